from django.contrib import admin

from core.admin import ScopedModelAdmin, ScopedTabularInline
from villages.models import Association, PlanAction, Village, VillageOrganisation, VillagePlan

TIMESTAMPS = ("created_at", "updated_at")


@admin.register(Association)
class AssociationAdmin(ScopedModelAdmin):
    list_display = ("name", "short_name", "level", "parent", "province")
    list_filter = ("level", "province")
    list_select_related = ("parent",)
    search_fields = ("name", "short_name", "province")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = TIMESTAMPS


@admin.register(Village)
class VillageAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "municipality", "population")
    list_filter = ("kind", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("municipality",)
    search_fields = ("name", "municipality__name")
    autocomplete_fields = ("municipality",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = TIMESTAMPS


@admin.register(VillageOrganisation)
class VillageOrganisationAdmin(ScopedModelAdmin):
    list_display = ("name", "kind", "village", "village__municipality", "association", "contact_name")
    list_filter = ("kind", ("association", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("village__municipality", "association")
    search_fields = ("name", "village__name", "contact_name", "contact_email")
    autocomplete_fields = ("village",)
    readonly_fields = TIMESTAMPS


class PlanActionInline(ScopedTabularInline):
    model = PlanAction
    fields = ("what", "when", "by_whom", "status", "initiatives")
    autocomplete_fields = ("initiatives",)


@admin.register(VillagePlan)
class VillagePlanAdmin(ScopedModelAdmin):
    list_display = ("title", "kind", "village", "village__municipality", "year")
    list_filter = ("kind", "year")
    list_select_related = ("village__municipality",)
    search_fields = ("title", "village__name", "summary")
    autocomplete_fields = ("village",)
    readonly_fields = TIMESTAMPS
    inlines = (PlanActionInline,)
    str_select_related = ("village",)


@admin.register(PlanAction)
class PlanActionAdmin(ScopedModelAdmin):
    list_display = ("what", "plan", "when", "by_whom", "status")
    list_filter = ("status",)
    list_select_related = ("plan__village",)
    search_fields = ("what", "by_whom", "plan__title", "plan__village__name")
    autocomplete_fields = ("plan", "initiatives")
    readonly_fields = TIMESTAMPS
