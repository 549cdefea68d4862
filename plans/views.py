"""Placeholder while the real views are written."""
from django.http import Http404

def home(request, pk=None):
    raise Http404

def plan_create(request, pk=None):
    raise Http404

def plan_detail(request, pk=None):
    raise Http404

def version_overview(request, pk=None):
    raise Http404

def version_by_goal(request, pk=None):
    raise Http404

def version_by_actor(request, pk=None):
    raise Http404

def version_activity_list(request, pk=None):
    raise Http404

def version_coverage(request, pk=None):
    raise Http404

def version_edit(request, pk=None):
    raise Http404

def version_adopt(request, pk=None):
    raise Http404

def version_copy(request, pk=None):
    raise Http404

def version_delete(request, pk=None):
    raise Http404

def goal_edit(request, pk=None):
    raise Http404

def goal_delete(request, pk=None):
    raise Http404

def goal_move(request, pk=None):
    raise Http404

def indicator_edit(request, pk=None):
    raise Http404

def indicator_delete(request, pk=None):
    raise Http404

def indicator_move(request, pk=None):
    raise Http404

def activity_edit(request, pk=None):
    raise Http404

def activity_delete(request, pk=None):
    raise Http404

def activity_move(request, pk=None):
    raise Http404

def term_list(request, pk=None):
    raise Http404

def term_create(request, pk=None):
    raise Http404
