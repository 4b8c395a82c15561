from django.contrib import admin

from bloc.home.models import ChapterProfile, DeletionRequest


@admin.register(ChapterProfile)
class ChapterProfileAdmin(admin.ModelAdmin):
    list_display = ["chapter", "updated_at"]
    raw_id_fields = ["chapter", "updated_by"]


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "person_id", "status", "requested_at", "handled_at"]
    list_filter = ["status"]
    raw_id_fields = ["person", "handled_by"]
