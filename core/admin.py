"""Admin building blocks shared by the domain apps.

Every tenant-scoped admin starts from what the user may see (STYLE.md §4): the rows of its
change list, the objects its change pages open, and the choices of its foreign keys all go
through `visible_to(request.user)`. Someone else's object is simply not in the queryset, so the
admin answers for it as for a missing one.

At the end: the admin of core's own model, the extra holidays of the working-day calendar.
"""

from collections.abc import Callable

from django.contrib import admin
from django.db import models

from core.models import ExtraHoliday

# What the admin did to an object, as passed to the change hooks.
ADMIN_ADD, ADMIN_CHANGE, ADMIN_DELETE = "add", "change", "delete"

# Who records the admin's changes: the audit app registers its writer in AppConfig.ready()
# (core knows no app above it). A hook is called as hook(request=, obj=, action=, fields=):
# `fields` names what changed (field names, never values).
_admin_change_hooks: list[Callable[..., object]] = []


def register_admin_change_hook(hook: Callable[..., object]) -> None:
    if hook not in _admin_change_hooks:
        _admin_change_hooks.append(hook)


def _notify(request, obj, action: str, fields: tuple[str, ...] = ()) -> None:
    for hook in _admin_change_hooks:
        hook(request=request, obj=obj, action=action, fields=fields)


def changed_fields(form, formsets) -> tuple[str, ...]:
    """The names of what an admin form and its inlines changed: "title", "grant added: amount",
    "agreement changed: done", "costline deleted". Names only: no value ever leaves the form."""
    names = list(form.changed_data) if form is not None else []
    for formset in formsets or ():
        label = formset.model._meta.model_name
        for added in formset.new_objects:
            fields = next((f.changed_data for f in formset.forms if f.instance is added), ())
            names.append(f"{label} added: {', '.join(fields)}" if fields else f"{label} added")
        for _changed, fields in formset.changed_objects:
            names.append(f"{label} changed: {', '.join(fields)}")
        names.extend(f"{label} deleted" for _deleted in formset.deleted_objects)
    return tuple(names)


class AuditedAdminMixin:
    """For ModelAdmin: every add, change and delete made in the admin is passed to the change
    hooks (the audit log), besides Django's own admin history."""

    def construct_change_message(self, request, form, formsets, add=False):
        # The form and its inlines are only at hand here; log_addition/log_change follow.
        request._admin_changed_fields = changed_fields(form, formsets)
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _notify(request, obj, ADMIN_ADD, request.__dict__.pop("_admin_changed_fields", ()))
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        _notify(request, obj, ADMIN_CHANGE, request.__dict__.pop("_admin_changed_fields", ()))
        return entry

    def log_deletions(self, request, queryset):
        # Called before the rows go (the delete page and the "delete selected" action alike).
        objects = list(queryset)
        entries = super().log_deletions(request, objects)
        for obj in objects:
            _notify(request, obj, ADMIN_DELETE)
        return entries


def scoped(queryset, user):
    """`queryset.visible_to(user)` when the model is tenant-scoped, else the queryset itself."""
    visible_to = getattr(queryset, "visible_to", None)
    return queryset if visible_to is None else visible_to(user)


class ScopedAdminMixin:
    """For ModelAdmin and inlines. Permissions stay Django's model permissions: scoping decides
    *which* rows, the permissions decide *what* the user may do with them. Superusers see all
    (`visible_to` does not filter for them).

    `str_select_related` names the relations the model's ``__str__`` follows; they are joined
    wherever this admin's queryset is used (change page, autocomplete answers, delete page).
    """

    str_select_related: tuple[str, ...] = ()
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        queryset = scoped(super().get_queryset(request), request.user)
        if self.str_select_related:
            queryset = queryset.select_related(*self.str_select_related)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        self._limit_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _limit_choices(self, db_field, request, kwargs):
        """Offer (and accept) only related objects the user may see: an officer cannot attach
        an object to another municipality, not even by posting a hand-made id."""
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(kwargs.get("using")).all()
        if hasattr(queryset, "visible_to"):
            kwargs["queryset"] = queryset.visible_to(request.user)


class ReadOnlyAdminMixin:
    """History and computed rows: viewable with the view permission, never added, changed or
    deleted through the admin (services write them)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInlineMixin(ReadOnlyAdminMixin):
    extra = 0
    can_delete = False
    show_change_link = False


class SuperuserEditOnlyMixin:
    """Rows that services write with their checks (money, decisions): staff with the view
    permission see them; only a superuser adds, changes or deletes them here (and the admin's
    form then runs the same checks). For ModelAdmin and inlines."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """For models that are not tenant data: still audited."""


class ScopedModelAdmin(AuditedAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0


class ScopedStackedInline(ScopedAdminMixin, admin.StackedInline):
    extra = 0


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(AuditedModelAdmin):
    """Platform-wide, not tenant-scoped: only users with the model permissions (superusers) change it."""

    list_display = ("date", "description")
    date_hierarchy = "date"
    search_fields = ("description",)
