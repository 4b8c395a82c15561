"""The numbers behind the result and turnout charts, and the results page that shows them."""

from django.urls import reverse

from bloc.democracy import charts, selectors
from bloc.democracy.tests.helpers import CANDIDATES, YES, certified_yes_no, counted, opened, vote

STV_DATA = {
    "candidates": ["Ana", "Bo", "Cy"],
    "quota": "34.00001",
    "stages": [
        {
            "round": 1,
            "action": "count",
            "votes": {"Ana": "40.00000", "Bo": "31.00000", "Cy": "29.00000"},
            "status": {"Ana": "pending", "Bo": "hopeful", "Cy": "hopeful"},
            "exhausted": "0.00000",
        },
        {
            "round": 2,
            "action": "surplus",
            "votes": {"Ana": "34.00001", "Bo": "33.66666", "Cy": "32.33333"},
            "status": {"Ana": "elected", "Bo": "hopeful", "Cy": "hopeful"},
            "exhausted": "0.00000",
        },
        {
            "round": 3,
            "action": "exclude",
            "votes": {"Ana": "34.00001", "Bo": "60.50000", "Cy": "0.00000"},
            "status": {"Ana": "elected", "Bo": "elected", "Cy": "defeated"},
            "exhausted": "5.49999",
        },
    ],
}


def test_rounds_are_formatted_and_marked_elected_or_eliminated():
    counted_rounds = charts.rounds(STV_DATA)
    assert counted_rounds.numbers == (1, 2, 3)
    ana, bo, cy, exhausted = counted_rounds.rows
    assert [(c.votes, c.mark) for c in ana.cells] == [
        ("40", "elected"),
        ("34", ""),
        ("34", ""),
    ]
    assert [(c.votes, c.mark) for c in bo.cells] == [("31", ""), ("33.67", ""), ("60.5", "elected")]
    assert [(c.votes, c.mark) for c in cy.cells] == [
        ("29", ""),
        ("32.33", ""),
        ("0", "eliminated"),
    ]
    assert [c.votes for c in exhausted.cells] == ["0", "0", "5.5"]
    assert counted_rounds.events == (
        "Round 1: Ana elected.",
        "Round 3: Bo elected; Cy eliminated.",
    )


def test_the_rounds_chart_table_marks_candidates_and_drops_the_eliminated():
    chart = charts.rounds_chart(STV_DATA, charts.rounds(STV_DATA))
    assert chart.columns == (
        "Round",
        "Ana (elected in round 1)",
        "Bo (elected in round 3)",
        "Cy (eliminated in round 3)",
    )
    assert chart.rows == (
        ("Round 1", "40", "31", "29"),
        ("Round 2", "34", "33.67", "32.33"),
        ("Round 3", "34", "60.5", ""),
    )
    assert "quota of 34" in chart.description


def test_yes_no_chart_shows_the_votes_against_the_threshold():
    chart = charts.yes_no_chart(
        {"yes": 1200, "no": 300, "abstain": 5, "required": "more than 750", "passed": True}
    )
    assert chart.rows == (
        ("Yes", "1,200", "750"),
        ("No", "300", ""),
        ("Abstain", "5", ""),
    )
    assert "more than 750 yes votes were needed to pass: it passed" in chart.description


def test_turnout_chart_counts_each_chapter_against_its_eligible_members(personas):
    ballot, _ = opened()
    vote(ballot, personas.person_member_a, [YES])
    chart = charts.turnout_chart(selectors.turnout(ballot))
    rows = {row[0]: row[1:] for row in chart.rows}
    assert rows[personas.chapter_a.name][0] == "1"
    assert sum(int(row[2]) for row in chart.rows) == ballot.roll_size
    assert chart.columns == ("Chapter", "Voted", "Eligible")


def test_a_stv_result_page_shows_whole_numbers_marks_and_the_chart(client, personas):
    ballot, shares = opened(method="stv", seats=2)
    vote(ballot, personas.person_member_a, [0, 1])
    vote(ballot, personas.person_member_b, [0, 2])
    counted(ballot, shares)
    page = client.get(reverse("democracy:ballot-results", args=[ballot.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split('<table class="rounds">')[1].split("</table>")[0]
    assert ".00000" not in table and ">1<" in table
    assert 'class="badge ok">elected</span>' in text
    assert page.context["result_chart"].columns[0] == "Round"
    assert any(CANDIDATES[0] in column for column in page.context["result_chart"].columns)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in text and "<details>" in text


def test_a_yes_no_result_page_has_its_chart(client, personas):
    ballot = certified_yes_no(personas)
    page = client.get(reverse("democracy:ballot-results", args=[ballot.pk]))
    assert page.context["result_chart"].rows[0][:2] == ("Yes", "1")
    assert page.context["turnout_chart"].title == "Turnout per chapter"
