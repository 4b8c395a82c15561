from django.contrib import admin

from bloc.comms.models import Broadcast, LegalEntity, OutboxMessage, Pledge, SavedAudience


@admin.register(LegalEntity)
class LegalEntityAdmin(admin.ModelAdmin):
    list_display = ["name", "coordination"]


@admin.register(SavedAudience)
class SavedAudienceAdmin(admin.ModelAdmin):
    list_display = ["name", "chapter", "member_status", "registered_key"]
    raw_id_fields = ["created_by"]


@admin.register(Broadcast)
class BroadcastAdmin(admin.ModelAdmin):
    """Read-only here: sending, approval and cancelling go through the comms pages (services)."""

    list_display = ["title", "channel", "chapter", "status", "scheduled_for"]
    list_filter = ["status", "channel"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """For operators investigating a send: statuses and reasons, no addresses or bodies."""

    list_display = ["id", "broadcast", "channel", "mode", "status", "reason", "attempts"]
    list_filter = ["status", "mode", "channel"]
    fields = ("broadcast", "channel", "mode", "status", "reason", "attempts", "sent_at")
    readonly_fields = ("broadcast", "channel", "mode", "status", "reason", "attempts", "sent_at")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Pledge)
class PledgeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "slug", "goal", "is_open"]
    prepopulated_fields = {"slug": ["title"]}
