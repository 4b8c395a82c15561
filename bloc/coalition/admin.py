from django.contrib import admin

from bloc.coalition.models import Contract, F7Import, Partner, Tag


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "state", "size"]
    list_filter = ["kind", "state"]
    search_fields = ["name", "city"]
    autocomplete_fields = ["parent"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["union_local", "employer", "unit_size", "expires_at", "is_aligned"]
    list_filter = ["regime", "is_aligned", "bargaining_state"]
    search_fields = ["employer", "unit_name"]


@admin.register(F7Import)
class F7ImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "imported_at", "created", "duplicates", "errors"]
    readonly_fields = ["report"]
