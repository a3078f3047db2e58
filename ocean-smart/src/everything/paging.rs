//! Paging links of a `$everything` answer: building `self`/`first`/`previous`/`next`, and
//! reading `next`.

use ocean_model::{Bundle, BundleLink, Uri};

use crate::query::QueryBuilder;

/// The `next` link of a Bundle, if any.
pub fn next_link(bundle: &Bundle) -> Option<&str> {
    bundle
        .link
        .iter()
        .find(|l| l.relation.as_deref() == Some("next"))
        .and_then(|l| l.url.as_ref())
        .map(Uri::as_str)
}

fn link(relation: &str, url: String) -> BundleLink {
    let mut l = BundleLink::default();
    l.relation = Some(relation.to_owned());
    l.url = Some(Uri::new(url));
    l
}

/// Paging links for one page of a paged answer: `self`, `first`, then `previous` and `next`
/// when they exist. `page_url` is the request URL without paging parameters; `offset_param` is
/// the server's own cursor parameter (FHIR does not standardise one; `_offset` is common).
/// A `page_size` of 0 is read as 1.
pub fn page_links(
    page_url: &str,
    offset_param: &str,
    offset: usize,
    page_size: usize,
    total: usize,
) -> Vec<BundleLink> {
    let size = page_size.max(1);
    let at = |o: usize| {
        QueryBuilder::new(page_url)
            .param(offset_param, &o.to_string())
            .param("_count", &size.to_string())
            .finish()
    };
    let mut links = vec![link("self", at(offset)), link("first", at(0))];
    if offset > 0 {
        links.push(link("previous", at(offset.saturating_sub(size))));
    }
    if offset.saturating_add(size) < total {
        links.push(link("next", at(offset + size)));
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocean_model::BundleType;

    #[test]
    fn paging() {
        let l = page_links(
            "https://pos/fhir/Patient/1/$everything",
            "_offset",
            0,
            10,
            25,
        );
        let rel: Vec<_> = l.iter().map(|l| l.relation.clone().unwrap()).collect();
        assert_eq!(rel, ["self", "first", "next"]);
        assert_eq!(
            l[2].url.as_ref().unwrap().as_str(),
            "https://pos/fhir/Patient/1/$everything?_offset=10&_count=10"
        );
        let l = page_links("https://pos/x?_type=Condition", "_offset", 20, 10, 25);
        let rel: Vec<_> = l.iter().map(|l| l.relation.clone().unwrap()).collect();
        assert_eq!(rel, ["self", "first", "previous"]);
        assert_eq!(
            l[2].url.as_ref().unwrap().as_str(),
            "https://pos/x?_type=Condition&_offset=10&_count=10"
        );
        let mut b = Bundle::new(BundleType::Searchset);
        assert_eq!(next_link(&b), None);
        b.link = page_links("https://pos/x", "_offset", 0, 0, 5);
        assert_eq!(next_link(&b), Some("https://pos/x?_offset=1&_count=1"));
    }
}
