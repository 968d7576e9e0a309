from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.db.models.fields.json import KT
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from . import exports
from .access import access_import_job, require_importer
from .forms import ImportUploadForm
from .models import ImportJob, ImportKind
from .parsers import common
from .services import (
    accounts_invite,
    import_cancel,
    import_check,
    import_is_stuck,
    import_job_create,
    import_progress,
    import_retry,
    import_start,
    invitable_people,
)
from .uploads import TOO_LARGE, upload_too_large

LIST_LIMIT = 30


def _list_context(request, form):
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .select_related("created_by")
        .defer("content", "parsed", "report")
        # Only the report's totals and refusal reason: enough to tell a dozen rows of one file apart.
        .annotate(totals=F("report__totals"), error=KT("report__error"))
        .order_by("-created_at", "-pk")[:LIST_LIMIT]
    )
    return {"form": form, "jobs": jobs}


@login_required
def job_list(request):
    require_importer(request.user)
    # "Déposer un autre fichier" after a refusal keeps the type of file chosen.
    kind = request.GET.get("kind")
    initial = {"kind": kind} if kind in ImportKind.values else {}
    return render(request, "imports/job_list.html", _list_context(request, ImportUploadForm(initial=initial)))


@csrf_exempt  # the token is checked below, once the size is known: reading it would store the upload
@login_required
@require_POST
def job_create(request):
    """Refuse an oversized upload from its announced length (see ``uploads``): nothing of it is stored."""
    require_importer(request.user)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if request.META.get(TOO_LARGE) or upload_too_large(length):
        messages.error(
            request,
            _("Le fichier dépasse la taille maximale de %(size)d Mo : il n'a pas été enregistré.")
            % {"size": common.MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
        return redirect("imports:job_list")
    return _job_create(request)


@csrf_protect
def _job_create(request):
    form = ImportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "imports/job_list.html", _list_context(request, form), status=200)
    upload = form.cleaned_data["file"]
    try:
        job = import_job_create(
            etablissement=request.user.etablissement,
            kind=form.cleaned_data["kind"],
            filename=upload.name,
            content=upload.read(),
            created_by=request.user,
        )
    except ValidationError as exc:
        form.add_error("file", exc)
        return render(request, "imports/job_list.html", _list_context(request, form), status=200)
    import_check(job)
    return redirect(job)


@login_required
def job_detail(request, pk: int):
    job = access_import_job(request.user, pk)
    context = {"job": job, "progress": import_progress(job), "stuck": import_is_stuck(job)}
    return render(request, "imports/job_detail.html", context)


@login_required
@require_POST
def job_apply(request, pk: int):
    job = access_import_job(request.user, pk)
    try:
        import_start(job=job, confirmed=request.POST.get("confirm") == "1")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(job)


@login_required
@require_POST
def job_retry(request, pk: int):
    job = access_import_job(request.user, pk)
    try:
        import_retry(job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("L'import a été relancé."))
    return redirect(job)


@login_required
@require_POST
def job_cancel(request, pk: int):
    job = access_import_job(request.user, pk)
    try:
        import_cancel(job=job, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Import abandonné : rien n'a été modifié et le fichier a été supprimé."))
    return redirect(job)


@login_required
def job_status(request, pk: int):
    job = access_import_job(request.user, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "progress": import_progress(job),
            "finished": job.is_finished,
        }
    )


@login_required
def invite_confirm(request):
    require_importer(request.user)
    people = invitable_people(request.user.etablissement)
    return render(request, "imports/invite_confirm.html", {"people": people, "count": people.count_all()})


@login_required
@require_POST
def invite_send(request):
    require_importer(request.user)
    invited, problems = accounts_invite(etablissement=request.user.etablissement)
    messages.success(request, _("%(count)d invitation(s) envoyée(s).") % {"count": invited})
    for problem in problems[:20]:
        messages.warning(request, problem)
    if len(problems) > 20:
        messages.warning(request, _("… et %(count)d autre(s) problème(s).") % {"count": len(problems) - 20})
    return redirect("imports:invite_confirm")


@login_required
def export_divisions(request):
    require_importer(request.user)
    header = [_("Division"), _("Niveau"), _("Libellé"), _("Élèves"), _("Services"), _("Professeurs principaux")]
    return exports.csv_response("divisions.csv", header, exports.division_rows(request.user.etablissement))


@login_required
def export_staff(request):
    require_importer(request.user)
    header = [_("Nom"), _("Prénom"), _("Identifiant STS"), _("Rôles"), _("Courriel"), _("Services")]
    return exports.csv_response("personnels.csv", header, exports.staff_rows(request.user.etablissement))
