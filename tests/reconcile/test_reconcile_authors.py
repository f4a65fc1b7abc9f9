"""One person once: name parsing, order swaps and initials joined on evidence only, author merge and split."""

from __future__ import annotations

import pytest

from papershelf.model.merge import (
    author_suggestions,
    mark_distinct,
    merge_authors,
    merge_history,
    open_suggestions,
    split_author,
    unmerge_author,
)
from papershelf.model.names import fold, initials_compatible, name_key, parse_name
from papershelf.model.records import PaperRecord


def rec(line: int = 1, **fields) -> PaperRecord:
    if "authors" in fields:
        fields["authors"] = tuple(fields["authors"])
    return PaperRecord(line=line, **fields)


def people(library, name):
    return library.find_authors(name)


# ---------------------------------------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("written", "given", "family"),
    [
        ("Lin, Junyang", "Junyang", "Lin"),
        ("Junyang (Justin) Lin", "Junyang", "Lin"),
        ("H. V. Jagadish", "H. V.", "Jagadish"),
        ("H.V. Jagadish", "H.V.", "Jagadish"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("van Beethoven, Ludwig", "Ludwig", "van Beethoven"),
        ("Martin Luther King Jr.", "Martin Luther", "King"),
        ("King, Jr., Martin Luther", "Martin Luther", "King"),
        ("LIN Junyang", "Junyang", "LIN"),
        ("王雪", "雪", "王"),
        ("Jingjing Xu*", "Jingjing", "Xu"),
        ("Xu Sun1,2", "Xu", "Sun"),
        ("Priya Natarajan²,³", "Priya", "Natarajan"),
        ("Jane Doe¹", "Jane", "Doe"),
        ("{\\'E}mile Zola", "\\'Emile", "Zola"),
        # particles after the given names in the comma form, and capitalised particles before the last word
        ("Maaten, Laurens van der", "Laurens", "van der Maaten"),
        ("Yann Le Cun", "Yann", "Le Cun"),
        ("Juan Carlos De La Cruz", "Juan Carlos", "De La Cruz"),
        # given names that look like particles stay given names
        ("Anh Van Nguyen", "Anh Van", "Nguyen"),
        ("Yu Di Wang", "Yu Di", "Wang"),
        ("Quoc V. Le", "Quoc V.", "Le"),
        ("Nguyen, Thanh Van", "Thanh Van", "Nguyen"),
    ],
)
def test_names_are_split_into_given_and_family(written, given, family):
    parsed = parse_name(written)
    assert (parsed.given, parsed.family) == (given, family)
    assert parsed.as_written == written


def test_parsing_keeps_aliases_suffixes_and_both_orders_keys():
    assert parse_name("Junyang (Justin) Lin").aliases == ("Justin",)
    assert parse_name("Martin Luther King Jr.").suffix == "Jr."
    assert parse_name("Wang Xue").keys == ("xue|wang", "wang|xue")
    assert parse_name("Xue Wang").key == parse_name("Wang Xue").swapped_key
    assert parse_name("Yi-Fan Li").key == parse_name("Yifan Li").key == parse_name("Li, Yifan").key
    # names in scripts without an ASCII form keep distinct keys instead of all folding to nothing
    assert parse_name("王雪").key != parse_name("李娜").key


@pytest.mark.parametrize(
    "written",
    [
        "Wang Xue",
        "J. R. R. Tolkien",
        "van Beethoven, Ludwig",
        "Martin Luther King, Jr.",
        "王雪",
        "Łukasz Kaiser",
        "José Müller-Ñoño",
        "O'Brien, Conan",
        "LIN Junyang",
        "{Barnes and Noble}",
        "H.V. Jagadish",
        "Ångström, A. J.",
        "İsmail Şahin",
        "Ǆemal Bijedić",
        "Ng",
        "a|b, c|d",
    ],
)
def test_a_names_other_order_and_folded_family_come_from_its_key(written):
    # Both are read off the key's halves: folding leaves letters and digits only, never the "|" between them.
    parsed = parse_name(written)
    assert parsed.swapped_key == name_key(parsed.family, parsed.given)
    assert parsed.folded_family == fold(parsed.family)


def test_particle_forms_share_one_key():
    assert parse_name("Maaten, Laurens van der").key == parse_name("Laurens van der Maaten").key
    assert parse_name("Maaten, Laurens van der").key == parse_name("van der Maaten, Laurens").key
    assert parse_name("Yann Le Cun").key == parse_name("Le Cun, Yann").key == parse_name("Yann LeCun").key


def test_initial_forms_are_recognised():
    assert parse_name("H. V. Jagadish").is_initials and not parse_name("Hosagrahar V. Jagadish").is_initials
    assert initials_compatible(parse_name("H. V. Jagadish"), parse_name("Hosagrahar V. Jagadish"))
    assert initials_compatible(parse_name("J.-P. Dupont"), parse_name("Jean-Pierre Dupont"))
    assert not initials_compatible(parse_name("W. Wang"), parse_name("Xue Wang"))
    assert not initials_compatible(parse_name("H. V. Jagadish"), parse_name("Hosagrahar V. Smith"))


# ---------------------------------------------------------------------------------------------- swaps
def test_order_swap_with_a_shared_coauthor_on_one_page_is_one_person(memory_library, add_page):
    lib = memory_library
    add_page(
        lib,
        "aggregator",
        [
            rec(1, title="Output Scaling: YingLong", year=2025, authors=("Xue Wang", "Tian Zhou", "Jinyang Gao")),
            rec(2, title="AlphaDPO: Adaptive Reward Margin", year=2024, authors=("Junkang Wu", "Xue Wang")),
            rec(
                3,
                title="CARD: Channel Aligned Robust Blend",
                year=2023,
                authors=("Wang Xue", "Tian Zhou", "Qingsong Wen"),
            ),
        ],
        owner="Jinyang Gao",
    )
    [person] = people(lib, "Xue Wang")
    assert person.variants == ["Wang Xue"] and person.paper_count == 3
    assert people(lib, "Wang Xue")[0].id == person.id
    [record] = merge_history(lib, "author", person.id)
    assert record.automatic
    assert any("shared co-author" in e and "Tian Zhou" in e for e in record.evidence)
    assert any("same page" in e for e in record.evidence)


def test_order_swap_without_evidence_is_only_proposed(memory_library, add_page):
    lib = memory_library
    add_page(lib, "homepage", [rec(title="Paper One About Graphs", year=2020, authors=("Xue Wang", "Alice Smith"))])
    add_page(lib, "bibtex", [rec(title="Paper Two About Proteins", year=2021, authors=("Wang Xue", "Bob Jones"))])
    assert len(people(lib, "Xue Wang")) == 1 and len(people(lib, "Wang Xue")) == 1
    assert people(lib, "Xue Wang")[0].id != people(lib, "Wang Xue")[0].id
    [suggestion] = [s for s in open_suggestions(lib) if s.kind == "author"]
    assert {suggestion.a.name, suggestion.b.name} == {"Xue Wang", "Wang Xue"}
    assert suggestion.score < 0.9


def test_two_names_on_one_author_list_are_two_people(memory_library, add_page):
    lib = memory_library
    add_page(
        lib,
        "homepage",
        [
            rec(1, title="Paper One About Graphs", year=2020, authors=("Xue Wang", "Wang Xue", "Tian Zhou")),
            rec(2, title="Paper Two About Graphs", year=2021, authors=("Xue Wang", "Tian Zhou", "Qi Su")),
            rec(3, title="Paper Three About Graphs", year=2021, authors=("Wang Xue", "Tian Zhou", "Qi Su")),
        ],
    )
    assert people(lib, "Xue Wang")[0].id != people(lib, "Wang Xue")[0].id
    assert not [s for s in open_suggestions(lib) if s.kind == "author"]


def test_initials_joined_when_coauthors_agree(memory_library, add_page):
    lib = memory_library
    add_page(
        lib,
        "aggregator",
        [rec(title="Active Sampler", year=2015, authors=("Jinyang Gao", "H. V. Jagadish", "Beng Chin Ooi"))],
        owner="Jinyang Gao",
    )
    add_page(
        lib,
        "bibtex",
        [
            rec(
                title="Another Systems Paper",
                year=2017,
                authors=("Hosagrahar V. Jagadish", "Beng Chin Ooi", "Jinyang Gao"),
            )
        ],
    )
    [person] = people(lib, "H. V. Jagadish")
    assert person.name == "Hosagrahar V. Jagadish" and "H. V. Jagadish" in person.variants
    assert person.paper_count == 2


def test_a_lone_initial_with_nothing_in_common_is_not_even_proposed(memory_library, add_page):
    lib = memory_library
    add_page(lib, "homepage", [rec(title="Paper One About Graphs", year=2020, authors=("J. Lin", "Alice Smith"))])
    add_page(lib, "bibtex", [rec(title="Paper Two About Proteins", year=2021, authors=("Junyang Lin", "Bob Jones"))])
    assert people(lib, "J. Lin")[0].id != people(lib, "Junyang Lin")[0].id
    assert not open_suggestions(lib)


def test_a_middle_initial_added_or_dropped_is_proposed_when_coauthors_agree(memory_library, add_page):
    """ "Geoffrey Hinton" on a page and "Geoffrey E. Hinton" in a .bib: the commonest variation of a name. People
    also add a middle initial to tell themselves from a namesake, so shared co-authors propose the pair only."""
    lib = memory_library
    add_page(
        lib,
        "homepage",
        [rec(title="Visualizing Data using t-SNE", year=2008, authors=("Laurens van der Maaten", "Geoffrey Hinton"))],
    )
    add_page(
        lib,
        "bibtex",
        [
            rec(
                title="Stochastic Neighbor Embedding Revisited",
                year=2012,
                authors=("Geoffrey E. Hinton", "Laurens van der Maaten", "Sam Roweis"),
            ),
            rec(title="Dropout for Everyone", year=2014, authors=("Sam Roweis", "Geoffrey E. Hinton")),
        ],
    )
    add_page(
        lib, "homepage", [rec(title="Products of Experts Again", year=2002, authors=("Sam Roweis", "Geoffrey Hinton"))]
    )
    [plain] = people(lib, "Geoffrey Hinton")
    [initial] = people(lib, "Geoffrey E. Hinton")
    assert plain.id != initial.id
    [suggestion] = open_suggestions(lib, "author")
    assert {suggestion.a.id, suggestion.b.id} == {plain.id, initial.id}
    assert any("middle initial" in line for line in suggestion.evidence)
    assert any("2 shared co-authors" in line for line in suggestion.evidence)


@pytest.mark.parametrize(
    ("before", "after"), [("Geoffrey E. Hinton", "Geoffrey Hinton"), ("Geoffrey Hinton", "Geoffrey E. Hinton")]
)
def test_a_middle_initial_is_proposed_in_an_import_of_many_people(memory_library, add_page, before, after):
    """An import of many new people sets aside in bulk those nobody could pair with: a middle initial added or
    dropped must not be set aside."""
    lib = memory_library
    add_page(
        lib,
        "homepage",
        [
            rec(
                title="Visualizing Data using t-SNE",
                year=2008,
                authors=(before, "Laurens van der Maaten", "Sam Roweis"),
            )
        ],
    )
    crowd = [f"Person{chr(65 + i // 26)}{chr(97 + i % 26)} Crowdson{i}" for i in range(80)]
    add_page(
        lib,
        "bibtex",
        [
            rec(
                1,
                title="Stochastic Neighbor Embedding Again",
                year=2012,
                authors=(after, "Laurens van der Maaten", "Sam Roweis"),
            )
        ]
        + [rec(i + 2, title=f"Crowd Paper Number {i}", year=2011, authors=(name,)) for i, name in enumerate(crowd)],
    )
    [suggestion] = open_suggestions(lib, "author")
    assert {suggestion.a.name, suggestion.b.name} == {"Geoffrey Hinton", "Geoffrey E. Hinton"}
    assert any("middle initial" in line for line in suggestion.evidence)


def test_a_middle_initial_with_nothing_in_common_is_not_even_proposed(memory_library, add_page):
    lib = memory_library
    add_page(lib, "homepage", [rec(title="Graph Mining at Scale", year=2020, authors=("Wei Wang", "Alice Smith"))])
    add_page(lib, "bibtex", [rec(title="Protein Folding Kinetics", year=2021, authors=("Wei J. Wang", "Bob Jones"))])
    assert people(lib, "Wei Wang")[0].id != people(lib, "Wei J. Wang")[0].id
    assert not open_suggestions(lib)


def test_different_middle_initials_or_both_on_one_paper_stay_two_people(memory_library, add_page):
    lib = memory_library
    add_page(
        lib,
        "homepage",
        [rec(title="Paper About Lattices", year=2020, authors=("Wei J. Wang", "Alice Smith", "Bob Jones"))],
    )
    add_page(
        lib,
        "bibtex",
        [rec(title="Paper About Groups", year=2021, authors=("Wei K. Wang", "Alice Smith", "Bob Jones"))],
    )
    add_page(
        lib, "bibtex", [rec(title="Paper About Rings", year=2022, authors=("Wei Wang", "Wei J. Wang", "Alice Smith"))]
    )
    assert people(lib, "Wei J. Wang")[0].id != people(lib, "Wei K. Wang")[0].id
    assert people(lib, "Wei Wang")[0].id != people(lib, "Wei J. Wang")[0].id


# ---------------------------------------------------------------------------------------------- merge, split
@pytest.fixture
def two_people(memory_library, add_page):
    lib = memory_library
    add_page(
        lib,
        "homepage",
        [rec(1, title="M6: A Chinese Multimodal Pretrainer", year=2021, authors=("Junyang Lin", "Rui Men"))],
        owner="Junyang Lin",
    )
    add_page(
        lib,
        "aggregator",
        [
            rec(
                1,
                title="Global Encoding for Summarization",
                year=2018,
                authors=("J. Y. Lin", "Xu Sun"),
                authors_complete=False,
            ),
            rec(
                2,
                title="Semantic Unit Based Dilated Convolution",
                year=2018,
                authors=("Qi Su", "Xu Sun"),
                authors_complete=False,
            ),
        ],
        owner="J. Y. Lin",
    )
    lib.set_author_note(people(lib, "J. Y. Lin")[0].id, "Same person as the DAMO researcher?")
    return lib, people(lib, "Junyang Lin")[0].id, people(lib, "J. Y. Lin")[0].id


def test_merging_people_keeps_every_name_and_their_et_al_papers(two_people):
    lib, keep, other = two_people
    assert keep != other
    merge_authors(lib, keep, [other])
    person = lib.get_author(keep)
    assert "J. Y. Lin" in person.variants
    # the papers where the person is known only as the aggregator page's owner behind "et al." count
    assert person.paper_count == 3
    assert lib.resolve_author(other) == keep
    assert len(person.profiles) == 2 and "Same person" in person.note  # both pages are about this person
    assert [a.id for a in lib.list_authors("Lin")].count(keep) == 1 and other not in [a.id for a in lib.list_authors()]


def test_unmerging_people_gives_back_names_papers_and_profile(two_people):
    lib, keep, other = two_people
    merge_authors(lib, keep, [other])
    unmerge_author(lib, other)
    assert lib.get_author(keep).paper_count == 1
    restored = lib.get_author(other)
    assert restored.paper_count == 2 and restored.name == "J. Y. Lin" and len(restored.profiles) == 1
    assert lib.get_author(keep).note == "" and "Same person" in restored.note
    # remembered as two people: the automatic pass never joins them again
    result = author_suggestions(lib)
    assert not result.merged and lib.resolve_author(other) == other


def test_splitting_a_variant_makes_a_new_person_that_stays_apart(memory_library, add_page):
    lib = memory_library
    add_page(
        lib,
        "aggregator",
        [
            rec(1, title="Output Scaling: YingLong", year=2025, authors=("Xue Wang", "Tian Zhou", "Jinyang Gao")),
            rec(
                2,
                title="CARD: Channel Aligned Robust Blend",
                year=2023,
                authors=("Wang Xue", "Tian Zhou", "Qingsong Wen"),
            ),
        ],
        owner="Jinyang Gao",
    )
    [person] = people(lib, "Xue Wang")
    new_id = split_author(lib, person.id, ["Wang Xue"])
    assert lib.get_author(person.id).variants == [] and lib.get_author(new_id).name == "Wang Xue"
    card = next(p for p in lib.list_papers() if p.title.startswith("CARD"))
    assert card.authors[0].author_id == new_id
    # a later page naming "Wang Xue" again goes to the split-off person, and nothing re-joins them
    add_page(lib, "bibtex", [rec(title="Another CARD Paper", year=2024, authors=("Wang Xue", "Tian Zhou"))])
    assert people(lib, "Wang Xue")[0].id == new_id
    assert lib.resolve_author(new_id) == new_id and lib.resolve_author(person.id) == person.id


def test_a_distinct_author_pair_is_not_proposed_again(memory_library, add_page):
    lib = memory_library
    add_page(lib, "homepage", [rec(title="Paper One About Graphs", year=2020, authors=("Xue Wang", "Alice Smith"))])
    add_page(lib, "bibtex", [rec(title="Paper Two About Proteins", year=2021, authors=("Wang Xue", "Bob Jones"))])
    [suggestion] = open_suggestions(lib, "author")
    mark_distinct(lib, "author", suggestion.a.id, suggestion.b.id)
    add_page(lib, "bibtex", [rec(title="Paper Three", year=2022, authors=("Wang Xue", "Alice Smith", "Bob Jones"))])
    assert not open_suggestions(lib, "author")
    assert author_suggestions(lib).suggested == 0
