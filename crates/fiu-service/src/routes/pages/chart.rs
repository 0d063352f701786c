//! An account's balance over time as an inline SVG drawn here, from its transactions'
//! `currentBalance` at their `transactionTimestamp` (no script, no library; the content
//! security policy allows it as it is markup). The time axis is to scale; the chart is an image
//! with a text alternative giving the range it shows.

use aa_core::fi_data::Attrs;
use aa_core::timefmt;
use aa_runtime::http::pages::escape;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;

/// (epoch seconds, balance) of every transaction that has both, in time order.
pub fn points(txns: &[Attrs]) -> Vec<(i64, f64)> {
    let mut points: Vec<(i64, f64)> = txns
        .iter()
        .filter_map(|t| {
            let at = timefmt::parse(t.get("transactionTimestamp")?)?;
            let balance = t.get("currentBalance")?.trim().parse::<f64>().ok()?;
            balance
                .is_finite()
                .then_some((at.unix_timestamp(), balance))
        })
        .collect();
    points.sort_by_key(|(at, _)| *at);
    points
}

fn day(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

/// The chart of `points`, titled for the account `label`; a sentence when there are fewer than
/// two points.
pub fn svg(id: &str, label: &str, points: &[(i64, f64)]) -> String {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return "<p class=\"muted\">No balances to chart.</p>".into();
    };
    if points.len() < 2 {
        return "<p class=\"muted\">One transaction only: no balance chart.</p>".into();
    }
    let low = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
    let high = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
    let span_y = if high > low { high - low } else { 1.0 };
    let span_x = (last.0 - first.0).max(1) as f64;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x = |at: i64| LEFT + (at - first.0) as f64 / span_x * plot_w;
    let y = |v: f64| TOP + (high - v) / span_y * plot_h;
    let line: Vec<String> = points
        .iter()
        .map(|(at, v)| format!("{:.1},{:.1}", x(*at), y(*v)))
        .collect();
    let title = format!("Balance of {label}");
    let desc = format!(
        "{} balances from {} to {}, between {low:.2} and {high:.2}; {:.2} at the end.",
        points.len(),
        day(first.0),
        day(last.0),
        last.1
    );
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
         <line x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{bottom}\" stroke=\"#5f6b7a\"/>\
         <line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{right}\" y2=\"{bottom}\" stroke=\"#5f6b7a\"/>\
         <text x=\"{label_x}\" y=\"{top_text}\" text-anchor=\"end\" font-size=\"12\" \
         fill=\"#1a1a1a\">{high:.2}</text>\
         <text x=\"{label_x}\" y=\"{bottom}\" text-anchor=\"end\" font-size=\"12\" \
         fill=\"#1a1a1a\">{low:.2}</text>\
         <text x=\"{LEFT}\" y=\"{date_y}\" font-size=\"12\" fill=\"#1a1a1a\">{}</text>\
         <text x=\"{right}\" y=\"{date_y}\" text-anchor=\"end\" font-size=\"12\" \
         fill=\"#1a1a1a\">{}</text>\
         <polyline points=\"{}\" fill=\"none\" stroke=\"#0b3d91\" stroke-width=\"2\"/></svg>",
        escape(&title),
        escape(&desc),
        day(first.0),
        day(last.0),
        line.join(" "),
        bottom = HEIGHT - BOTTOM,
        right = WIDTH - RIGHT,
        label_x = LEFT - 6.0,
        top_text = TOP + 10.0,
        date_y = HEIGHT - 12.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn txn(at: &str, balance: &str) -> Attrs {
        Attrs::new()
            .with("transactionTimestamp", at)
            .with("currentBalance", balance)
    }

    #[test]
    fn points_are_in_time_order_and_unreadable_ones_left_out() {
        let txns = [
            txn("2025-01-06T09:00:00+05:30", "1101.50"),
            txn("2025-01-05T10:11:12+05:30", "101.50"),
            txn("not a time", "5"),
            txn("2025-01-07T09:00:00+05:30", "lots"),
        ];
        let p = points(&txns);
        assert_eq!(p.len(), 2);
        assert!(p[0].0 < p[1].0);
        assert_eq!(p[0].1, 101.50);
    }

    #[test]
    fn the_chart_spans_the_plot_and_escapes_its_label() {
        let p = [(0, 100.0), (50, 300.0), (100, 200.0)];
        let svg = svg("a1", "<b>", &p);
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        // First point at the left edge and the bottom (lowest), the highest at the top.
        assert!(
            svg.contains("points=\"80.0,204.0 332.0,16.0 584.0,110.0\""),
            "{svg}"
        );
        assert!(svg.contains(">300.00<") && svg.contains(">100.00<"));
        assert!(!super::svg("x", "y", &p[..1]).starts_with("<svg"));
    }
}
