from .queries import unread_count


def notifications(request):
    """The unread count of the navigation bar: one COUNT query per page, for signed-in users only."""
    user = request.user
    if not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}
