import time

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from .middleware import (
    SessionAbsoluteLimitMiddleware,
    leaves_session_idle,
    owner_tag,
    session_seconds_left,
)


# Open to everyone so that a signed-out page gets 401 and JSON, not the sign-in page.
@login_not_required
@leaves_session_idle
@never_cache
@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> JsonResponse:
    """How long the session has left (GET, which does not count as activity), or the same after
    storing it now (POST: "stay signed in"). The CSRF token, for pages that outlived the one
    they were given, and a tag of who is signed in, since another tab may have signed in as
    somebody else."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    if request.method == "POST":
        request.session[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] = time.time()
    return JsonResponse(
        {
            "signed_in": True,
            **session_seconds_left(request),
            "owner": owner_tag(request.user),
            "csrf_token": get_token(request),
        }
    )
