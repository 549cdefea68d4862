from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe

HELLO_PATH = "bench/hello/"


@login_not_required
@require_safe
def hello(request):
    """The least a page can cost on this server, through the same middleware: the benchmark's
    reference, to which every page's figures are compared. Served only when BENCHMARK_HELLO
    is set."""
    return HttpResponse("hello", content_type="text/plain")
