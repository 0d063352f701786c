//! What a status update (a notification, or the answer to a poll) changes: a pure plan computed
//! from the request's state and its artefacts, which persistence then carries out in one
//! transaction. An update that changes nothing gives an empty plan.

use super::status::{ConsentState, FetchState};

/// A status update about one consent request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusUpdate {
    /// The artefact it is about, if it names one.
    pub consent_id: Option<String>,
    pub status: ConsentState,
}

/// An artefact as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownArtefact {
    pub consent_id: String,
    pub status: ConsentState,
    pub fetch: FetchState,
}

/// The changes an update makes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// The request's new state.
    pub request: Option<ConsentState>,
    /// New states of recorded artefacts.
    pub artefacts: Vec<(String, ConsentState)>,
    /// An artefact to record, and to fetch.
    pub new_artefact: Option<(String, ConsentState)>,
    /// A recorded artefact whose fetch failed earlier and is tried again.
    pub refetch: Option<String>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.request.is_none()
            && self.artefacts.is_empty()
            && self.new_artefact.is_none()
            && self.refetch.is_none()
    }

    /// Whether the plan queues a fetch.
    pub fn fetches(&self) -> bool {
        self.new_artefact.is_some() || self.refetch.is_some()
    }
}

/// The plan for `update` given the request's state and its recorded artefacts.
///
/// Once a request has artefacts its state follows theirs ([`ConsentState::of_request`]);
/// before that it moves by [`ConsentState::next`]. `PENDING`, `REJECTED` and `FAILED` concern
/// the request even when a consent id comes with them. A status without a consent id applies
/// to every artefact of the request. A new consent id is recorded (and fetched) when it is
/// `ACTIVE` or `PAUSED` and the request is still open.
pub fn plan(request: ConsentState, artefacts: &[KnownArtefact], update: &StatusUpdate) -> Plan {
    let mut plan = Plan::default();
    let mut request_state = request;
    let mut states: Vec<(String, ConsentState)> = artefacts
        .iter()
        .map(|a| (a.consent_id.clone(), a.status))
        .collect();
    let status = update.status;
    let open = !artefacts.is_empty() || !request.is_final();
    match update.consent_id.as_deref() {
        _ if status.is_request_level() => {
            if let Some(next) = request.next(status) {
                request_state = next;
            }
        }
        Some(id) => match artefacts.iter().find(|a| a.consent_id == id) {
            Some(known) => {
                if let Some(next) = known.status.next(status) {
                    plan.artefacts.push((known.consent_id.clone(), next));
                }
                if status == ConsentState::Active && known.fetch == FetchState::Failed {
                    plan.refetch = Some(known.consent_id.clone());
                }
            }
            None if open && matches!(status, ConsentState::Active | ConsentState::Paused) => {
                plan.new_artefact = Some((id.to_owned(), status));
                states.push((id.to_owned(), status));
            }
            // An artefact never seen that is already over: the request records the outcome.
            None if artefacts.is_empty() => {
                if let Some(next) = request.next(status) {
                    request_state = next;
                }
            }
            None => {}
        },
        None if artefacts.is_empty() => {
            if let Some(next) = request.next(status) {
                request_state = next;
            }
        }
        None => {
            for known in artefacts {
                if let Some(next) = known.status.next(status) {
                    plan.artefacts.push((known.consent_id.clone(), next));
                }
            }
        }
    }
    for (id, next) in &plan.artefacts {
        if let Some(entry) = states.iter_mut().find(|(known, _)| known == id) {
            entry.1 = *next;
        }
    }
    let artefact_states: Vec<ConsentState> = states.iter().map(|(_, s)| *s).collect();
    let derived = ConsentState::of_request(request_state, &artefact_states);
    if derived != request {
        plan.request = Some(derived);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::ConsentState::*;
    use super::*;

    fn update(id: Option<&str>, status: ConsentState) -> StatusUpdate {
        StatusUpdate {
            consent_id: id.map(str::to_owned),
            status,
        }
    }

    fn known(id: &str, status: ConsentState, fetch: FetchState) -> KnownArtefact {
        KnownArtefact {
            consent_id: id.into(),
            status,
            fetch,
        }
    }

    #[test]
    fn active_with_a_new_consent_id_records_and_fetches_it() {
        let plan = plan(Pending, &[], &update(Some("c1"), Active));
        assert_eq!(plan.new_artefact, Some(("c1".into(), Active)));
        assert_eq!(plan.request, Some(Active));
        assert!(plan.fetches());
    }

    #[test]
    fn the_same_active_again_changes_nothing() {
        let artefacts = [known("c1", Active, FetchState::Verified)];
        assert!(plan(Active, &artefacts, &update(Some("c1"), Active)).is_empty());
    }

    #[test]
    fn a_second_artefact_of_the_same_request_is_fetched_too() {
        let artefacts = [known("c1", Active, FetchState::Verified)];
        let plan = plan(Active, &artefacts, &update(Some("c2"), Active));
        assert_eq!(plan.new_artefact, Some(("c2".into(), Active)));
        assert_eq!(plan.request, None);
    }

    #[test]
    fn pause_and_revoke_move_the_artefact_and_the_request() {
        let artefacts = [known("c1", Active, FetchState::Verified)];
        let paused = plan(Active, &artefacts, &update(Some("c1"), Paused));
        assert_eq!(paused.artefacts, vec![("c1".into(), Paused)]);
        assert_eq!(paused.request, Some(Paused));
        let artefacts = [known("c1", Revoked, FetchState::Verified)];
        assert!(plan(Revoked, &artefacts, &update(Some("c1"), Active)).is_empty());
    }

    #[test]
    fn a_status_without_consent_id_applies_to_every_artefact() {
        let artefacts = [
            known("c1", Active, FetchState::Verified),
            known("c2", Paused, FetchState::Verified),
        ];
        let plan = plan(Active, &artefacts, &update(None, Revoked));
        assert_eq!(
            plan.artefacts,
            vec![("c1".into(), Revoked), ("c2".into(), Revoked)]
        );
        assert_eq!(plan.request, Some(Revoked));
    }

    #[test]
    fn one_revoked_artefact_of_two_leaves_the_request_active() {
        let artefacts = [
            known("c1", Active, FetchState::Verified),
            known("c2", Active, FetchState::Verified),
        ];
        let plan = plan(Active, &artefacts, &update(Some("c1"), Revoked));
        assert_eq!(plan.artefacts, vec![("c1".into(), Revoked)]);
        assert_eq!(plan.request, None);
    }

    #[test]
    fn rejection_concerns_the_request_and_is_final() {
        let rejected = plan(Pending, &[], &update(None, Rejected));
        assert_eq!(rejected.request, Some(Rejected));
        assert!(plan(Rejected, &[], &update(Some("c1"), Active)).is_empty());
        let artefacts = [known("c1", Active, FetchState::Verified)];
        assert!(plan(Active, &artefacts, &update(Some("c1"), Rejected)).is_empty());
    }

    #[test]
    fn a_failed_fetch_is_tried_again_on_a_later_active() {
        let artefacts = [known("c1", Active, FetchState::Failed)];
        let plan = plan(Active, &artefacts, &update(Some("c1"), Active));
        assert_eq!(plan.refetch, Some("c1".into()));
        let artefacts = [known("c1", Active, FetchState::Refused)];
        assert!(super::plan(Active, &artefacts, &update(Some("c1"), Active)).is_empty());
    }

    #[test]
    fn an_unknown_consent_id_that_is_revoked_is_not_recorded_but_ends_the_request() {
        let plan = plan(Pending, &[], &update(Some("c9"), Revoked));
        assert_eq!(plan.request, Some(Revoked));
        assert_eq!(plan.new_artefact, None);
    }
}
