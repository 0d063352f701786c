//! The Edwards-form X25519 path against the ladder, twist and small-order points included.

use super::*;
use curve25519_dalek::constants::EIGHT_TORSION;

fn weierstrass_point(point: &EdwardsPoint) -> PublicKey {
    let u = point.to_montgomery().to_bytes();
    let x = weierstrass::x_from_u(&u);
    let y = weierstrass::y_for_x(&x).unwrap();
    PublicKey::weierstrass(x, y).unwrap()
}

#[test]
fn curve25519_agreement_on_the_edwards_form_equals_the_full_ladder() {
    for _ in 0..20 {
        let ours = KeyPair::generate(Curve::Curve25519).unwrap();
        let theirs = KeyPair::generate(Curve::Curve25519).unwrap();
        assert_eq!(
            ours.private.agree(&theirs.public).unwrap(),
            ladder_x(&ours.private.secret, &theirs.public.u).unwrap()
        );
    }
}

#[test]
fn curve25519_agreement_equals_the_ladder_for_points_with_a_small_order_component() {
    let ours = KeyPair::generate(Curve::Curve25519).unwrap();
    let base = EdwardsPoint::mul_base(&Scalar::from(7u64));
    for torsion in EIGHT_TORSION.iter().skip(1) {
        let theirs = weierstrass_point(&(base + torsion));
        assert_eq!(
            ours.private.agree(&theirs).ok(),
            ladder_x(&ours.private.secret, &theirs.u).ok()
        );
    }
}

#[test]
fn a_scalar_above_the_group_order_takes_the_ladder_and_agrees_with_it() {
    // d = 2^255 - 20: far above n, so the Edwards shortcut must not be used.
    let mut be = [0xffu8; 32];
    be[0] = 0x7f;
    be[31] = 0xeb;
    let ours = PrivateKey::from_raw(Curve::Curve25519, be).unwrap();
    // A peer point with an order-8 component: d·P and (d mod n)·P differ there, so a
    // shortcut that reduced d would give another x.
    let theirs =
        weierstrass_point(&(EdwardsPoint::mul_base(&Scalar::from(7u64)) + EIGHT_TORSION[1]));
    let shared = ours.agree(&theirs).unwrap();
    assert_eq!(shared, ladder_x(&be, &theirs.u).unwrap());
    let mut le = be;
    le.reverse();
    let reduced = (Scalar::from_bytes_mod_order(le) * theirs.edwards.get().unwrap().unwrap())
        .to_montgomery()
        .to_bytes();
    assert_ne!(shared, weierstrass::x_from_u(&reduced));
}
