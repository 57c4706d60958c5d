from django.conf import settings


def portal(request):
    """Values every page needs: the interface languages and the current user's roles."""
    return {"PORTAL_LANGUAGES": settings.LANGUAGES}
