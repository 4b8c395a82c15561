from django.contrib import admin

from bloc.events.models import DayOfAction, Event


@admin.register(DayOfAction)
class DayOfActionAdmin(admin.ModelAdmin):
    list_display = ("name", "starts_on", "ends_on", "is_published")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("partners",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "event_type", "status", "starts_at", "city", "state")
    list_filter = ("status", "event_type", "day")
    search_fields = ("title", "city")
    readonly_fields = ("verify_token_hash",)
    raw_id_fields = ("chapter", "host_partner", "host_user", "moderated_by")
