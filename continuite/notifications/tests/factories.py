"""factory_boy factories of the outbox."""

import factory
from django.utils import timezone

from continuite.ecole.tests.factories import EtablissementFactory, UserFactory
from continuite.notifications.models import Notification, NotificationPreference, NotificationSettings, Status


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    etablissement = factory.SubFactory(EtablissementFactory)
    user = factory.SubFactory(UserFactory, etablissement=factory.SelfAttribute("..etablissement"))
    kind = "test.notice"
    recipient_name = factory.LazyAttribute(lambda n: str(n.user) if n.user else "")
    email = factory.LazyAttribute(lambda n: n.user.email if n.user else "")
    subject = factory.Sequence(lambda n: f"Avis n° {n}")
    body_text = "Bonjour,\n\nUn avis du lycée.\n"
    body_html = "<p>Bonjour,</p><p>Un avis du lycée.</p>"
    idempotency_key = factory.Sequence(lambda n: f"test:{n}")
    status = Status.PENDING
    next_attempt_at = factory.LazyFunction(timezone.now)
    created_at = factory.LazyFunction(timezone.now)


class NotificationSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationSettings
        django_get_or_create = ["etablissement"]

    etablissement = factory.SubFactory(EtablissementFactory)


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference
        django_get_or_create = ["user"]

    user = factory.SubFactory(UserFactory)
    daily_digest = True
