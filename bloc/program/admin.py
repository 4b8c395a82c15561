from django.contrib import admin

from bloc.program.models import Plank, Stance


@admin.register(Plank)
class PlankAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "section", "status", "order"]
    list_filter = ["status", "section"]
    search_fields = ["title", "key"]
    readonly_fields = ["status", "opened_at", "adopted_at", "superseded_at", "adopted_rule"]


@admin.register(Stance)
class StanceAdmin(admin.ModelAdmin):
    list_display = ["holder_name", "holder_type", "plank", "position", "source"]
    list_filter = ["holder_type", "position", "source"]
