// Package pagination cuts a list into pages: which page is asked for,
// which one is shown, what to skip in the query and the address of the
// pages around it. Every paged list of the site uses it with the one
// partial of hooks/web/views/partials/pagination.html. Standard library
// only.
package pagination

import (
	"net/url"
	"strconv"
)

// Pagination is the page of a list being shown. Build it with New.
type Pagination struct {
	Page    int // the page shown, from 1 to Pages
	Pages   int // 1 for an empty list
	Total   int // items of the whole list
	PerPage int
	// Base and Query write the links: the list's path and its filters
	// (without "page").
	Base  string
	Query url.Values
	// Libelle names the page links for screen readers (the nav's
	// aria-label); empty for « Pages de la liste ».
	Libelle string
	// Ancre, when set, is the id the page links land on (the list's
	// title): on a phone, the next page opens on the list, not on the
	// filters above it.
	Ancre string
}

// Demandee is the page asked for in an address: its "page" value when it
// is a whole number above 1, else 1.
func Demandee(query url.Values) int {
	if n, err := strconv.Atoi(query.Get("page")); err == nil && n > 1 {
		return n
	}
	return 1
}

// New is page asked of a list of total items, perPage a page, brought
// back within the list (page 99 of 2 pages shows the last one).
func New(asked, total, perPage int, base string, query url.Values) Pagination {
	perPage = max(perPage, 1)
	pages := max(1, (total+perPage-1)/perPage)
	return Pagination{Page: min(max(asked, 1), pages), Pages: pages, Total: max(total, 0), PerPage: perPage,
		Base: base, Query: query}
}

// Offset is how many items come before the page (the query's OFFSET).
func (p Pagination) Offset() int { return (p.Page - 1) * p.PerPage }

// Plusieurs tells whether there is more than one page, that is whether
// the page links are shown.
func (p Pagination) Plusieurs() bool { return p.Pages > 1 }

// Precedente is the previous page's address, "" on the first one.
func (p Pagination) Precedente() string {
	if p.Page <= 1 {
		return ""
	}
	return p.ancre(Lien(p.Base, p.Query, p.Page-1))
}

// Suivante is the next page's address, "" on the last one.
func (p Pagination) Suivante() string {
	if p.Page >= p.Pages {
		return ""
	}
	return p.ancre(Lien(p.Base, p.Query, p.Page+1))
}

func (p Pagination) ancre(lien string) string {
	if p.Ancre == "" {
		return lien
	}
	return lien + "#" + url.PathEscape(p.Ancre)
}

// Intitule is the aria-label of the page links.
func (p Pagination) Intitule() string {
	if p.Libelle == "" {
		return "Pages de la liste"
	}
	return p.Libelle
}

// Lien is the address of page n of the list at base with these filters:
// the filters that have a value, in a stable order, and "page" only
// after the first page (page 1 is the list's own address).
func Lien(base string, query url.Values, page int) string {
	q := url.Values{}
	for name, values := range query {
		if name == "page" {
			continue
		}
		for _, v := range values {
			if v != "" {
				q.Add(name, v)
			}
		}
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode()
}
