"""The shared list helpers: lenient query arguments, clamped pages, and the sort and page links of _listing.html."""

from flask import render_template_string

from assessment.listing import Page, page_arg, page_of, sorting_arg

MACROS = '{% from "_listing.html" import pager, sort_header, sort_link %}'


def test_arguments_fall_back_to_the_defaults(app):
    """Unknown sorts, directions and page numbers give the defaults; each page parameter is read on its own."""
    with app.test_request_context("/hr/cycles/1?sort=password&dir=sideways&page=-3&rpage=4"):
        assert page_arg() == 1 and page_arg("rpage") == 4
        sorting = sorting_arg(("name", "status"), "name", default_direction="desc")
        assert (sorting.sort, sorting.direction) == ("name", "desc")
    with app.test_request_context("/cycles/1/overview?sort=c:budget&dir=desc&page=abc"):
        sorting = sorting_arg(lambda sort: sort.startswith("c:"), "name")
        assert (sorting.sort, sorting.descending, page_arg()) == ("c:budget", True, 1)


def test_a_page_past_the_end_shows_the_last_page(app):
    """Asking for page 9 of five rows in pages of two gives page 3 with the fifth row."""
    page = page_of(["a", "b", "c", "d", "e"], 9, 2)
    assert (page.items, page.page, page.pages, page.first, page.last) == (["e"], 3, 3, 5, 5)
    assert page_of([], 2, 2).page == 1


def test_pager_pages_one_list_and_keeps_the_other(app):
    """A pager under ?rpage= changes only rpage, so the candidates' page and sort stay; it is a labelled nav."""
    with app.test_request_context("/hr/cycles/1?page=2&sort=status&rpage=2"):
        html = render_template_string(MACROS + "{{ pager(p, 'rpage', 'Rater pages', show_total=True) }}",
                                      p=Page([], 2, 2, 5))
    assert '<nav aria-label="Rater pages" class="pager">' in html
    assert 'href="/hr/cycles/1?page=2&amp;sort=status&amp;rpage=1" rel="prev"' in html
    assert 'href="/hr/cycles/1?page=2&amp;sort=status&amp;rpage=3" rel="next"' in html
    assert "Page 2 of 3 (5 in all)" in html
    with app.test_request_context("/hr/people"):
        assert "<nav" not in render_template_string(MACROS + "{{ pager(p) }}", p=Page([], 1, 2, 2))


def test_sort_links_toggle_and_say_which_column_is_sorted(app):
    """The sorted column's header carries aria-sort and links to the other direction; others start at first_dir."""
    with app.test_request_context("/cycles/1/overview?role=coo&sort=attainment&dir=desc&page=2"):
        sorting = sorting_arg(("name", "attainment"), "name")
        header = render_template_string(MACROS + "{{ sort_header(s, 'attainment', 'Attainment') }}", s=sorting)
        other = render_template_string(MACROS + "{{ sort_link(s, 'name', 'Candidate', 'desc') }}", s=sorting)
        announced = render_template_string(MACROS + "{{ sort_link(s, 'attainment', 'A', announce=True) }}",
                                           s=sorting)
    assert 'aria-sort="descending"' in header
    assert 'href="/cycles/1/overview?role=coo&amp;sort=attainment&amp;dir=asc"' in header
    assert 'href="/cycles/1/overview?role=coo&amp;sort=name&amp;dir=desc"' in other and "aria-" not in other
    assert 'aria-current="true"' in announced and "(sorted descending)" in announced
