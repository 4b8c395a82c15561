from django.contrib import admin

from bloc.electoral.models import (
    Candidacy,
    Candidate,
    Committee,
    Election,
    EndorsementPolicy,
    FecImport,
    Questionnaire,
    Race,
)


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "cycle", "election_type", "state", "held_on"]
    list_filter = ["cycle", "election_type"]


@admin.register(Race)
class RaceAdmin(admin.ModelAdmin):
    list_display = ["office", "election", "level", "ocd_division_id", "filing_deadline_on"]
    list_filter = ["level", "election__cycle"]
    search_fields = ["office", "ocd_division_id"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["full_name", "fec_candidate_id", "party", "is_member"]
    search_fields = ["full_name", "fec_candidate_id"]


@admin.register(Candidacy)
class CandidacyAdmin(admin.ModelAdmin):
    list_display = ["candidate", "race", "status"]
    list_filter = ["status"]
    readonly_fields = ["status", "declared_at", "filed_at", "on_ballot_at", "ended_at"]


@admin.register(EndorsementPolicy)
class EndorsementPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "scope",
        "chapter",
        "vote_threshold",
        "vote_is_binding",
        "requires_ratification",
    ]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "chapter"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "level", "published_at"]


@admin.register(FecImport)
class FecImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "imported_at", "created", "updated", "skipped"]
    readonly_fields = ["report"]
