from django.apps import AppConfig


class SuiviConfig(AppConfig):
    name = "suivi"
    verbose_name = "Suivi des élèves"
    # Writes to the follow-up change the school's "suivi" data version (continuite.ecole.dataversions).
    data_versioned = True

    def ready(self):
        from continuite.notifications.signals import notification_failed

        from .services.notices import notice_undelivered

        def on_failed(sender, notification, error, **kwargs):
            notice_undelivered(notification=notification, error=error)

        notification_failed.connect(on_failed, dispatch_uid="suivi.notice_undelivered", weak=False)
