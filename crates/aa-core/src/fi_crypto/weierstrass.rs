//! BouncyCastle's `Curve25519`: the short-Weierstrass form `y² = x³ + a·x + b` of curve25519.
//!
//! The ecosystem's reference library (rahasya `/ecc/v1`, BouncyCastle `CustomNamedCurves`) works
//! on this form, so its keys are X.509 with explicit curve parameters and its ECDH output is the
//! 32-byte big-endian affine x of `d·Q`, with no scalar clamping. The curve is birationally the
//! Montgomery curve of X25519 with `x = u + A/3 (mod p)`, so the scalar multiplication itself runs
//! on curve25519-dalek's Montgomery ladder; only the coordinate shift, the on-curve check and the
//! recovery of `y` (which X25519 never needs) are done here, on `num-bigint`.

use std::sync::LazyLock;

use num_bigint::BigUint;

/// p = 2^255 - 19.
static P: LazyLock<BigUint> = LazyLock::new(|| (BigUint::from(1u8) << 255u32) - 19u32);
static A: LazyLock<BigUint> =
    LazyLock::new(|| hex_big("2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa984914a144"));
static B: LazyLock<BigUint> =
    LazyLock::new(|| hex_big("7b425ed097b425ed097b425ed097b425ed097b425ed097b4260b5e9c7710c864"));
/// A/3 mod p, with A = 486662 the Montgomery coefficient: `x_weierstrass = u_montgomery + DELTA`.
static DELTA: LazyLock<BigUint> =
    LazyLock::new(|| hex_big("2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad2451"));
/// sqrt(-1) mod p = 2^((p-1)/4).
static SQRT_M1: LazyLock<BigUint> =
    LazyLock::new(|| BigUint::from(2u8).modpow(&((&*P - 1u32) >> 2u32), &P));

/// The Montgomery coefficient A = 486662.
const MONTGOMERY_A: u32 = 486_662;
/// The base point's v (= its Weierstrass y, since B = 1) and 1/(2·v) mod p.
static BASE_V: LazyLock<BigUint> =
    LazyLock::new(|| hex_big("20ae19a1b8a086b4e01edd2c7748d14c923d4d7e6d7c61b229e9c5a27eced3d9"));
static INV_2V: LazyLock<BigUint> = LazyLock::new(|| {
    let two_v = (&*BASE_V << 1u32) % &*P;
    two_v.modpow(&(&*P - 2u32), &P)
});

fn hex_big(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap_or_default()
}

fn to_be32(n: &BigUint) -> [u8; 32] {
    let bytes = n.to_bytes_be();
    let mut out = [0u8; 32];
    out[32 - bytes.len().min(32)..].copy_from_slice(&bytes[bytes.len().saturating_sub(32)..]);
    out
}

fn from_le32(bytes: &[u8; 32]) -> BigUint {
    BigUint::from_bytes_le(bytes)
}

fn to_le32(n: &BigUint) -> [u8; 32] {
    let mut out = to_be32(n);
    out.reverse();
    out
}

/// The Weierstrass x (big-endian) of a Montgomery u (little-endian, as X25519 writes it).
pub fn x_from_u(u_le: &[u8; 32]) -> [u8; 32] {
    to_be32(&((from_le32(u_le) + &*DELTA) % &*P))
}

/// The Montgomery u (little-endian) of a Weierstrass x (big-endian).
pub fn u_from_x(x_be: &[u8; 32]) -> [u8; 32] {
    let x = BigUint::from_bytes_be(x_be);
    to_le32(&((x + &*P - &*DELTA) % &*P))
}

fn rhs(x: &BigUint) -> BigUint {
    let p = &*P;
    (x * x % p * x + &*A * x + &*B) % p
}

/// True when `(x, y)` (big-endian, each below p) is a point of the curve.
pub fn is_on_curve(x_be: &[u8; 32], y_be: &[u8; 32]) -> bool {
    let (x, y) = (BigUint::from_bytes_be(x_be), BigUint::from_bytes_be(y_be));
    if x >= *P || y >= *P {
        return false;
    }
    (&y * &y) % &*P == rhs(&x)
}

/// The Weierstrass y of `Q = k·G`, recovered from the Montgomery u of `k·G` and of `(k+1)·G`
/// (Okeya–Sakurai), so that a generated key has exactly the y BouncyCastle would write:
///
/// `v_Q = [(u_G·u_Q + 1)(u_G + u_Q + 2A) − 2A − (u_G − u_Q)²·u_{Q+G}] / (2·v_G)`
pub fn y_for_multiple_of_base(u_q_le: &[u8; 32], u_q_plus_g_le: &[u8; 32]) -> [u8; 32] {
    let p = &*P;
    let u_g = BigUint::from(9u8);
    let u_q = from_le32(u_q_le) % p;
    let u_qg = from_le32(u_q_plus_g_le) % p;
    let two_a = BigUint::from(2 * MONTGOMERY_A);
    let first = (&u_g * &u_q + 1u32) % p * ((&u_g + &u_q + &two_a) % p) % p;
    let diff = (&u_g + p - &u_q) % p;
    let last = &diff * &diff % p * &u_qg % p;
    let numerator = (first + p + p - &two_a - last) % p;
    to_be32(&(numerator * &*INV_2V % p))
}

/// A y for the given x (big-endian), if x is the abscissa of a curve point. Either root serves:
/// ECDH uses only x, and `x(d·Q) = x(d·(−Q))`.
pub fn y_for_x(x_be: &[u8; 32]) -> Option<[u8; 32]> {
    let p = &*P;
    let value = rhs(&BigUint::from_bytes_be(x_be));
    // p ≡ 5 (mod 8): candidate = value^((p+3)/8), fixed up by sqrt(-1) when it squares to -value.
    let candidate = value.modpow(&((p + 3u32) >> 3u32), p);
    let square = &candidate * &candidate % p;
    let root = if square == value {
        candidate
    } else if (square + &value) % p == BigUint::ZERO {
        candidate * &*SQRT_M1 % p
    } else {
        return None;
    };
    Some(to_be32(&root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_point_maps_to_u_nine() {
        let gx = hex_big("2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad245a");
        let gy = hex_big("20ae19a1b8a086b4e01edd2c7748d14c923d4d7e6d7c61b229e9c5a27eced3d9");
        let mut nine = [0u8; 32];
        nine[0] = 9;
        assert_eq!(u_from_x(&to_be32(&gx)), nine);
        assert_eq!(x_from_u(&nine), to_be32(&gx));
        assert!(is_on_curve(&to_be32(&gx), &to_be32(&gy)));
        let mut two = [0u8; 32];
        let two_g = curve25519_dalek::EdwardsPoint::mul_base(&curve25519_dalek::Scalar::from(2u8));
        two.copy_from_slice(two_g.to_montgomery().as_bytes());
        assert_eq!(to_be32(&gy), y_for_multiple_of_base(&nine, &two));
        let y = y_for_x(&to_be32(&gx)).unwrap();
        let y = BigUint::from_bytes_be(&y);
        assert!(y == gy || y == &*P - &gy);
    }

    #[test]
    fn points_off_the_curve_are_refused() {
        let gx = to_be32(&hex_big(
            "2aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaad245a",
        ));
        assert!(!is_on_curve(&gx, &[1u8; 32]));
        assert!(!is_on_curve(&[0xff; 32], &[0xff; 32]));
    }
}
