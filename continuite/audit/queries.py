"""Reads of the access log."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The entries of the user's établissement (the views check the role)."""
        if not user.is_authenticated or user.etablissement_id is None:
            return self.none()
        return self.filter(etablissement_id=user.etablissement_id)

    def about_student_named(self, text: str):
        text = text.strip()
        if not text:
            return self
        query = Q()
        for word in text.split()[:4]:
            query &= Q(student__last_name__icontains=word) | Q(student__first_name__icontains=word)
        return self.filter(query)

    def by_user_named(self, text: str):
        text = text.strip()
        return self.filter(user_label__icontains=text) if text else self

    def between(self, start: dt.date | None, end: dt.date | None):
        qs = self
        if start:
            qs = qs.filter(created_at__date__gte=start)
        if end:
            qs = qs.filter(created_at__date__lte=end)
        return qs

    def older_than(self, moment: dt.datetime):
        return self.filter(created_at__lt=moment)
