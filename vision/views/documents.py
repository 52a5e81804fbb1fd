"""The vision document and the before/after scans.

Staff pages start from `TrajectoryMixin` (another association's trajectory answers 404; only
the facilitator and admins steer: editing and the status; members of the progress group also
comment while the latest version is in consultation; everyone else gets 403 on changes).
Every action posts a small form to its own view, which calls one service with
`actor=request.user` and redirects (POST/redirect/GET); a refusal shows the page again with the
message at the form.

The member's scan form is public: the personal link is the key, and only its hash is stored.
"""

from functools import cached_property

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from core.forms import add_service_error
from vision.access import COMMENT, STEER, TrajectoryMixin
from vision.constants import ROLE_PAIRS, VISION_TRANSITIONS, VisionSectionKey, VisionStatus
from vision.diff import word_diff, words_equal
from vision.forms.documents import SECTION_GUIDANCE, VisionCommentForm, VisionEditForm, VisionStatusForm
from vision.models import VisionComment, VisionDocument, VisionSection, VisionVersion
from vision.services.documents import (
    vision_comment_add,
    vision_default_title,
    vision_status_change,
    vision_version_create,
)

# --- the vision document ----------------------------------------------------------------------


def ordered_sections(version: VisionVersion, *, written_only: bool = False) -> list[dict]:
    """The version's sections in the fixed order of VisionSectionKey (uses prefetched sections)."""
    bodies = {section.key: section.body for section in version.sections.all()}
    sections = [
        {"key": key.value, "label": key.label, "body": bodies.get(key.value, ""), "guidance": SECTION_GUIDANCE[key]}
        for key in VisionSectionKey
        if not written_only or bodies.get(key.value)
    ]
    return sections


class VisionMixin(TrajectoryMixin):
    """Finds the trajectory's vision document and its versions (newest first)."""

    def get_document(self) -> VisionDocument | None:
        return VisionDocument.objects.visible_to(self.request.user).filter(trajectory=self.trajectory).first()

    def get_versions(self, document) -> list[VisionVersion]:
        if document is None:
            return []
        return list(
            VisionVersion.objects.visible_to(self.request.user)
            .filter(document=document)
            .select_related("created_by")
            .order_by("-number")
        )

    def get_comments(self, version) -> list[VisionComment]:
        return list(
            VisionComment.objects.visible_to(self.request.user)
            .filter(version=version)
            .select_related("author")
            .order_by("created_at", "pk")
        )

    def get_version(self, number: int) -> VisionVersion:
        return get_object_or_404(
            VisionVersion.objects.visible_to(self.request.user)
            .filter(document__trajectory=self.trajectory)
            .select_related("document", "created_by")
            .prefetch_related(Prefetch("sections", queryset=VisionSection.objects.order_by("pk"))),
            number=number,
        )


class VisionDocumentView(VisionMixin, TemplateView):
    """The latest version's text, its status and the list of versions."""

    template_name = "vision/vision_document.html"

    def get_context_data(self, status_form=None, comment_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        versions = self.get_versions(document)
        latest = versions[0] if versions else None
        allowed = VISION_TRANSITIONS.get(latest.status, frozenset()) if latest else frozenset()
        if latest is not None:
            latest = self.get_version(latest.number)
        if status_form is None and latest is not None and allowed:
            status_form = VisionStatusForm(allowed=allowed, initial={"number": latest.number}, prefix="status")
        adopted = next((v for v in versions if v.status == VisionStatus.ADOPTED), None)
        in_consultation = latest is not None and latest.status == VisionStatus.CONSULTATION
        if comment_form is None and in_consultation and self.can_comment:
            comment_form = VisionCommentForm(initial={"number": latest.number}, prefix="comment")
        context.update(
            document=document,
            versions=versions,
            version=latest,
            sections=ordered_sections(latest) if latest else [],
            status_form=status_form if allowed else None,
            adopted_version=adopted if adopted and latest and adopted.number != latest.number else None,
            is_latest=True,
            comments=self.get_comments(latest) if latest else [],
            # A refused comment shows again with its errors, also when the status changed meanwhile.
            comment_form=comment_form if (in_consultation and self.can_comment) or comment_form else None,
        )
        return context


class VisionVersionView(VisionMixin, TemplateView):
    """An older (or any) version, read only."""

    template_name = "vision/vision_version.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        version = self.get_version(self.kwargs["number"])
        latest_number = (
            VisionVersion.objects.filter(document=version.document).order_by("-number").values_list("number", flat=True)
        ).first()
        context.update(
            document=version.document,
            version=version,
            sections=ordered_sections(version),
            is_latest=version.number == latest_number,
            comments=self.get_comments(version),
        )
        return context


class VisionCompareView(VisionMixin, TemplateView):
    """What changed between two versions, per section, word by word.

    `?naar=<number>` (default: the latest) is compared with `?van=<number>` (default: the version
    before it). Sections with the same words are said to be unchanged and shown collapsed.
    """

    template_name = "vision/vision_compare.html"

    def number_param(self, name: str) -> int | None:
        value = self.request.GET.get(name, "")
        if not value:
            return None
        if not value.isdigit():
            raise Http404
        return int(value)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.get_document()
        versions = self.get_versions(document)
        context.update(document=document, versions=versions, old=None, new=None, sections=[])
        if len(versions) < 2:
            return context
        numbers = [v.number for v in versions]  # newest first
        new_number = self.number_param("naar") or numbers[0]
        old_number = self.number_param("van")
        if old_number is None:
            old_number = next((n for n in numbers if n < new_number), None)
            if old_number is None:  # the first version: compare it with the next one
                new_number, old_number = next(n for n in reversed(numbers) if n > new_number), new_number
        old, new = self.get_version(old_number), self.get_version(new_number)
        old_sections = {s["key"]: s for s in ordered_sections(old)}
        sections = []
        for section in ordered_sections(new):
            before = old_sections[section["key"]]["body"]
            unchanged = words_equal(before, section["body"])
            sections.append(
                {
                    **section,
                    "unchanged": unchanged,
                    "segments": [] if unchanged else word_diff(before, section["body"]),
                }
            )
        context.update(
            old=old,
            new=new,
            sections=sections,
            changed_count=sum(not s["unchanged"] for s in sections),
        )
        return context


class VisionEditView(VisionMixin, FormView):
    """One textarea per section, filled from the latest version. Saving makes a new version."""

    needs = STEER
    template_name = "vision/vision_edit.html"
    form_class = VisionEditForm

    @cached_property
    def document(self) -> VisionDocument | None:
        return self.get_document()

    @cached_property
    def latest(self) -> VisionVersion | None:
        versions = self.get_versions(self.document)
        return self.get_version(versions[0].number) if versions else None

    def get_initial(self):
        latest = self.latest
        initial = {
            "title": self.document.title if self.document else vision_default_title(self.trajectory),
            "based_on": latest.number if latest else 0,
        }
        if latest is not None:
            for section in ordered_sections(latest):
                initial[VisionEditForm.section_field(section["key"])] = section["body"]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(document=self.document, version=self.latest, role_pairs=ROLE_PAIRS)
        return context

    def form_valid(self, form):
        try:
            version = vision_version_create(
                trajectory=self.trajectory,
                title=form.cleaned_data["title"],
                sections=form.sections(),
                change_note=form.cleaned_data["change_note"],
                based_on=form.cleaned_data["based_on"],
                actor=self.request.user,
            )
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Version %(number)s is saved as a draft.") % {"number": version.number})
        return redirect("vision:vision_document", trajectory=self.trajectory.pk)


class VisionStatusView(VisionDocumentView):
    """POST only: move the latest version to the next status."""

    needs = STEER
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        version = get_object_or_404(
            VisionVersion.objects.visible_to(request.user).filter(document__trajectory=self.trajectory),
            number=request.POST.get("status-number") if str(request.POST.get("status-number", "")).isdigit() else -1,
        )
        form = VisionStatusForm(
            request.POST, allowed=VISION_TRANSITIONS.get(version.status, frozenset()), prefix="status"
        )
        if form.is_valid():
            try:
                vision_status_change(
                    version=version,
                    to_status=form.cleaned_data["to_status"],
                    adopted_on=form.cleaned_data["adopted_on"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(number)s is now “%(status)s”.")
                    % {"number": version.number, "status": VisionStatus(form.cleaned_data["to_status"]).label},
                )
                return redirect("vision:vision_document", trajectory=self.trajectory.pk)
        return self.render_to_response(self.get_context_data(status_form=form))


class VisionCommentView(VisionDocumentView):
    """POST only: a comment on the latest version while it is in consultation.

    Members of the progress group and those who steer may comment (others get 403); the
    service refuses a version that is no longer the latest or no longer in consultation.
    """

    needs = COMMENT
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        number = request.POST.get("comment-number", "")
        version = get_object_or_404(
            VisionVersion.objects.visible_to(request.user).filter(document__trajectory=self.trajectory),
            number=number if str(number).isdigit() else -1,
        )
        form = VisionCommentForm(request.POST, prefix="comment")
        if form.is_valid():
            try:
                vision_comment_add(version=version, body=form.cleaned_data["body"], actor=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Thank you. Your comment has been added."))
                return redirect(
                    reverse("vision:vision_document", kwargs={"trajectory": self.trajectory.pk}) + "#comments"
                )
        return self.render_to_response(self.get_context_data(comment_form=form))


class VisionPrintView(VisionMixin, TemplateView):
    """A clean page to print or save as PDF: no site navigation, print CSS for A4.

    The latest version, or the one named by `?versie=<number>`.
    """

    template_name = "vision/vision_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        number = self.request.GET.get("versie", "")
        if number:
            if not number.isdigit():
                raise Http404
            version = self.get_version(int(number))
        else:
            latest = (
                VisionVersion.objects.visible_to(self.request.user)
                .filter(document__trajectory=self.trajectory)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            if latest is None:
                raise Http404
            version = self.get_version(latest)
        context.update(
            document=version.document,
            version=version,
            sections=ordered_sections(version, written_only=True),
            printed_on=timezone.localdate(),
        )
        return context


# --- scans: the facilitator's pages -----------------------------------------------------------


# --- scans: the member's form (public, by personal link) -------------------------------------
