from django.contrib import admin

from bloc.people.models import Chapter, ChapterZip


class ChapterZipInline(admin.TabularInline):
    model = ChapterZip
    extra = 0


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["name", "state", "status", "parent"]
    search_fields = ["name"]
    list_filter = ["status", "state"]
    inlines = [ChapterZipInline]
