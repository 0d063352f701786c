//! `POST /Accounts/delink` and the 1.1.x `DELETE /Accounts/link`.

use crate::helpers::{assert_error, delink_body, TestApp, HANDLE};

fn first_link(verified: &serde_json::Value) -> String {
    verified["AccLinkDetails"][0]["linkRefNumber"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn delinking_ends_the_link_and_repeating_it_is_harmless() {
    let app = TestApp::spawn().await;
    let link = first_link(&app.link_all().await);
    for _ in 0..2 {
        let body = delink_body(HANDLE, &link);
        let answer = app.post("/Accounts/delink", &body).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["txnid"], body["txnid"]);
        assert_eq!(
            answer.body["AccLinkDetails"]["linkRefNumber"],
            link.as_str()
        );
        assert_eq!(answer.body["AccLinkDetails"]["customerAddress"], HANDLE);
        assert_eq!(answer.body["AccLinkDetails"]["status"], "DELINKED");
    }
}

#[actix_web::test]
async fn the_1_1_x_delete_form_delinks_too() {
    let app = TestApp::spawn().await;
    let link = first_link(&app.link_all().await);
    let mut body = delink_body(HANDLE, &link);
    body["ver"] = "1.1.2".into();
    let answer = app
        .request_as_aa("DELETE", "/Accounts/link", Some(&body))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.body["ver"], "1.1.2");
    assert_eq!(answer.body["AccLinkDetails"]["status"], "DELINKED");
}

#[actix_web::test]
async fn an_unknown_link_or_another_customer_is_invalid_link_ref_number() {
    let app = TestApp::spawn().await;
    let link = first_link(&app.link_all().await);
    let body = delink_body(HANDLE, &uuid::Uuid::new_v4().to_string());
    let answer = app.post("/Accounts/delink", &body).await;
    assert_error(&answer, 400, "InvalidLinkRefNumber", Some(&body));
    let body = delink_body("someone-else@AA-1", &link);
    let answer = app.post("/Accounts/delink", &body).await;
    assert_error(&answer, 400, "InvalidLinkRefNumber", Some(&body));
    let body = delink_body(HANDLE, &link);
    let answer = app.post_as("AA-2", "/Accounts/delink", &body).await;
    assert_error(&answer, 400, "InvalidLinkRefNumber", Some(&body));
}
