"""A state force that acted in a clash puts it on the record: the army that "pursued the assailants and
engaged them", police whose search turned into "a shootout"; "identical statements issued by both sides" is
each actor's acknowledgement; a person introduced as "X, both accused militiamen of Y," has no role from that
phrase (the role named elsewhere stands). Each sentence is invented."""

from __future__ import annotations

from cedar.coding import actors, facts, verify


def test_the_army_that_engaged_the_assailants_acknowledges_the_clash() -> None:
    s = ("Captain Mbala said that the army had pursued the assailants on Monday and engaged them in the hills near "
         "Aru, where one soldier was killed.")
    v = verify.verify([s], actors.generic("armed", "COD"), actors.state("military", "COD", "COD"), "COD",
                      "Lake Radio", place="Aru", clash=True)
    assert (v.status, v.basis) == ("verified", "actor-acknowledgement")


def test_police_in_a_shootout_acknowledge_it() -> None:
    s = ("A shootout broke out in Choloma on Tuesday night when police officers tried to search a house, a police "
         "spokesman said.")
    v = verify.verify([s], actors.generic("armed", "HND"), actors.state("police", "HND", "HND"), "HND",
                      "Valley Herald", place="Choloma", clash=True)
    assert (v.status, v.basis) == ("verified", "actor-acknowledgement")


def test_identical_statements_by_both_sides_acknowledge_an_agreement() -> None:
    s = ("The heads of the two border services met near Isfara on Saturday and agreed on a ceasefire, according to "
         "identical statements issued by both sides.")
    v = verify.verify([s], actors.state("government", "TJK", "TJK"), None, "TJK", "Steppe Wire", place="Isfara")
    assert (v.status, v.basis) == ("verified", "actor-acknowledgement")


def test_a_clause_that_is_no_role_gives_no_role() -> None:
    roles = facts.speakers("The chief and the army spokesman in Ituri, Lieutenant Paul Mbala, both accused "
                           "militiamen of the group, the report said.")
    assert "accused" not in roles.get("Mbala", "")
