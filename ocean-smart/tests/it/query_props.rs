//! Percent-encoding and query parsing properties, and the launch URL read back.

use ocean_smart::everything::EverythingParams;
use ocean_smart::launch::{LaunchContext, LaunchId, LaunchSession};
use ocean_smart::query::{QueryBuilder, decode, decode_form, encode, is_unreserved, parse_query};
use proptest::prelude::*;

use crate::common::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn encode_decode_round_trip(s in "\\PC*") {
        let e = encode(&s);
        prop_assert!(e.bytes().all(|b| is_unreserved(b) || b == b'%' || b.is_ascii_hexdigit()));
        prop_assert_eq!(decode(&e).unwrap(), s.clone());
        prop_assert_eq!(decode_form(&e).unwrap(), s);
    }

    #[test]
    fn decoding_never_panics(s in "[%+a-zA-Z0-9&=?\\x00-\\x7f]{0,40}") {
        let _ = decode(&s);
        let _ = decode_form(&s);
        let _ = parse_query(&s);
        let _ = EverythingParams::parse(&s);
        let _ = ocean_smart::authorize::AuthorizeRequest::from_query(&s);
        let _ = ocean_smart::authorize::TokenRequest::from_form(&s, Some(&s));
    }

    #[test]
    fn built_queries_parse_back(pairs in proptest::collection::vec(("\\PC{1,10}", "\\PC{0,10}"), 0..6)) {
        let mut b = QueryBuilder::new("https://ocean.example/launch");
        for (k, v) in &pairs {
            b = b.param(k, v);
        }
        let url = b.finish();
        let query = url.split_once('?').map_or("", |(_, q)| q);
        prop_assert_eq!(parse_query(query).unwrap(), pairs);
    }

    #[test]
    fn launch_url_carries_iss_and_launch(id in "[!-~]{1,40}") {
        let config = config();
        let session = LaunchSession::new(
            LaunchId::new(id.clone()).unwrap(),
            LaunchContext::new_request(user(), "pt-1").unwrap(),
            now(),
        );
        let url = config.launch_url(&session).unwrap();
        let (base, query) = url.split_once('?').unwrap();
        prop_assert_eq!(base, config.ocean_launch_url.as_str());
        let q = parse_query(query).unwrap();
        prop_assert_eq!(&q[0], &("iss".to_owned(), FHIR_BASE.to_owned()));
        prop_assert_eq!(&q[1], &("launch".to_owned(), id));
        prop_assert_eq!(&q[2], &("action".to_owned(), "viewMap".to_owned()));
        prop_assert_eq!(&q[3], &("siteNum".to_owned(), "1234".to_owned()));
    }
}
