from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "continuite.notifications"
    label = "notifications"
    verbose_name = "Notifications"
