"""Admin building blocks shared by the domain apps.

Every tenant-scoped admin starts from what the user may see (STYLE.md §4): the rows of its
change list, the objects its change pages open, and the choices of its foreign keys all go
through `visible_to(request.user)`. Someone else's object is simply not in the queryset, so the
admin answers for it as for a missing one.

At the end: the admin of core's own model, the extra holidays of the working-day calendar.
"""

from django.contrib import admin
from django.db import models

from core.models import ExtraHoliday


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


class ScopedModelAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedTabularInline(ScopedAdminMixin, admin.TabularInline):
    extra = 0


class ScopedStackedInline(ScopedAdminMixin, admin.StackedInline):
    extra = 0


@admin.register(ExtraHoliday)
class ExtraHolidayAdmin(admin.ModelAdmin):
    """Platform-wide, not tenant-scoped: only users with the model permissions (superusers) change it."""

    list_display = ("date", "description")
    date_hierarchy = "date"
    search_fields = ("description",)
