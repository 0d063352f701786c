//! Who called a ReBIT endpoint, as the extractor ([`super::inbound`]) proved it, and the roles
//! an endpoint admits, as a type.

use super::RebitError;
use aa_core::apikey::Claims;
use aa_core::rebit::error::ErrorCode;
use aa_core::registry::Role;

/// Who called, as proven by both the API key and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub entity_id: String,
    pub role: Role,
    pub claims: Claims,
}

impl Caller {
    /// Refuses callers of any other role. Service endpoints name their role in the extractor
    /// instead (`Verified<T, FromFiu>`); this is for test fakes that take any caller.
    pub fn require_role(&self, roles: &[Role]) -> Result<(), RebitError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(RebitError::new(
                ErrorCode::Unauthorized,
                format!("a {} may not call this endpoint", self.role),
            ))
        }
    }
}

/// The roles that may call an endpoint, as a type: the role parameter of [`Verified`] and
/// [`VerifiedUri`]. A caller of any other role is refused by the extractor with 401
/// `Unauthorized`, before the body is parsed, so a handler never sees a caller it does not serve.
pub trait CallerRole: 'static {
    const ROLES: &'static [Role];
}

/// Only an FIU may call.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromFiu;
/// Only an FIP may call.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromFip;
/// Only an AA may call.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromAa;
/// An FIU or an FIP may call (the AA's consent fetch and consent notification).
#[derive(Debug, Clone, Copy, Default)]
pub struct FromFiuOrFip;
/// Any registered entity may call (test fakes; a service's endpoints name their role).
#[derive(Debug, Clone, Copy, Default)]
pub struct AnyRole;

impl CallerRole for FromFiu {
    const ROLES: &'static [Role] = &[Role::Fiu];
}
impl CallerRole for FromFip {
    const ROLES: &'static [Role] = &[Role::Fip];
}
impl CallerRole for FromAa {
    const ROLES: &'static [Role] = &[Role::Aa];
}
impl CallerRole for FromFiuOrFip {
    const ROLES: &'static [Role] = &[Role::Fiu, Role::Fip];
}
impl CallerRole for AnyRole {
    const ROLES: &'static [Role] = &[Role::Fiu, Role::Fip, Role::Aa];
}
