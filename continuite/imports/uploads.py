"""An import's upload refused from its announced size, before Django stores a byte of it.

Middlewares read ``request.POST`` before any view runs (CSRF, one-time form tokens), and reading it
stores the uploaded file in memory or in a temporary file: the size is checked here, in the first
upload handler, which then hands back an empty form instead of reading the body.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler
from django.http import QueryDict
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from .parsers import common

TOO_LARGE = "continuite.imports.upload_too_large"
# The form's other fields and the multipart envelope, on top of the file itself.
FORM_OVERHEAD = 64 * 1024


def upload_too_large(content_length: int | None) -> bool:
    return (content_length or 0) > common.MAX_UPLOAD_BYTES + FORM_OVERHEAD


class ImportUploadSizeHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if self.request is None or self.request.path != reverse("imports:job_create"):
            return None
        if not upload_too_large(content_length):
            return None
        META[TOO_LARGE] = True
        return QueryDict(encoding=encoding), MultiValueDict()

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None
