//! A revenue-over-time chart as server-rendered SVG: an area under a line, a zero-based value
//! axis with three labelled ticks, and the first, middle and last dates. No script, no inline
//! style (the CSP forbids both): colours come from presentation attributes and `app.css`.
//! Coordinates are computed with decimals, like the money they draw.

use rust_decimal::Decimal;
use std::fmt::Write as _;

const WIDTH: i64 = 720;
const HEIGHT: i64 = 220;
const LEFT: i64 = 90;
const RIGHT: i64 = 10;
const TOP: i64 = 10;
const BOTTOM: i64 = 30;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Pixels, one decimal.
fn px(value: Decimal) -> String {
    value.round_dp(1).normalize().to_string()
}

/// The chart of `points` (label, value), values at or above zero; `money` words an axis value.
/// `title` names it for screen readers.
pub fn revenue_svg(
    title: &str,
    points: &[(String, Decimal)],
    money: impl Fn(Decimal) -> String,
) -> String {
    let plot_w = Decimal::from(WIDTH - LEFT - RIGHT);
    let plot_h = Decimal::from(HEIGHT - TOP - BOTTOM);
    let max = points
        .iter()
        .map(|(_, v)| *v)
        .fold(Decimal::ZERO, Decimal::max);
    let base = Decimal::from(HEIGHT - BOTTOM);
    let x = |i: usize| -> Decimal {
        let left = Decimal::from(LEFT);
        match points.len() {
            0 | 1 => left + plot_w / Decimal::TWO,
            n => left + plot_w * Decimal::from(i) / Decimal::from(n - 1),
        }
    };
    let y = |v: Decimal| -> Decimal {
        if max.is_zero() {
            base
        } else {
            base - plot_h * v.max(Decimal::ZERO) / max
        }
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{}">"#,
        esc(title)
    );
    let _ = write!(svg, "<title>{}</title>", esc(title));
    // Value axis: 0, half and the top, with grid lines.
    for value in [Decimal::ZERO, max / Decimal::TWO, max] {
        let at = px(y(value));
        let _ = write!(
            svg,
            r##"<line class="grid" x1="{LEFT}" x2="{}" y1="{at}" y2="{at}" stroke="#ddd"/><text class="axis" x="{}" y="{at}" text-anchor="end" dominant-baseline="middle" font-size="11">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6,
            esc(&money(value))
        );
        if max.is_zero() {
            break;
        }
    }
    if !points.is_empty() {
        let line: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, (_, v))| format!("{},{}", px(x(i)), px(y(*v))))
            .collect();
        let area = format!(
            "M{},{} L{} L{},{} Z",
            px(x(0)),
            px(base),
            line.join(" L"),
            px(x(points.len() - 1)),
            px(base)
        );
        let _ = write!(
            svg,
            r##"<path class="area" d="{area}" fill="#cfe3f7"/><polyline class="line" points="{}" fill="none" stroke="#2a6fb0" stroke-width="2"/>"##,
            line.join(" ")
        );
        // A dot per point when they are few enough to tell apart, each with its figure.
        if points.len() <= 62 {
            for (i, (label, v)) in points.iter().enumerate() {
                let _ = write!(
                    svg,
                    r##"<circle cx="{}" cy="{}" r="3" fill="#2a6fb0"><title>{}: {}</title></circle>"##,
                    px(x(i)),
                    px(y(*v)),
                    esc(label),
                    esc(&money(*v))
                );
            }
        }
        let mut ticks = vec![0, points.len() / 2, points.len() - 1];
        ticks.dedup();
        for i in ticks {
            if let Some((label, _)) = points.get(i) {
                let anchor = match i {
                    0 => "start",
                    i if i == points.len() - 1 => "end",
                    _ => "middle",
                };
                let _ = write!(
                    svg,
                    r#"<text class="axis" x="{}" y="{}" text-anchor="{anchor}" font-size="11">{}</text>"#,
                    px(x(i)),
                    HEIGHT - 8,
                    esc(label)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn money(v: Decimal) -> String {
        format!("$ {}", v.round_dp(2))
    }

    fn points(values: &[i64]) -> Vec<(String, Decimal)> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("d{i}"), Decimal::from(*v)))
            .collect()
    }

    /// The `points` attribute of the line, as (x, y) pairs.
    fn line_of(svg: &str) -> Vec<(f64, f64)> {
        let start = svg.find(r#"<polyline class="line" points=""#).unwrap() + 31;
        let rest = &svg[start..];
        rest[..rest.find('"').unwrap()]
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn the_highest_value_touches_the_top_and_zero_the_axis() {
        let svg = revenue_svg("Revenue", &points(&[0, 50, 100]), money);
        let line = line_of(&svg);
        assert_eq!(line, vec![(90.0, 190.0), (400.0, 100.0), (710.0, 10.0)]);
        assert!(svg.contains(">$ 100</text>"), "{svg}");
        assert!(svg.contains(">$ 50</text>"));
        assert!(svg.contains(">d0</text>") && svg.contains(">d2</text>"));
        assert!(!svg.contains("style="), "the CSP forbids inline style");
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn empty_flat_and_single_series_still_draw() {
        let empty = revenue_svg("R", &[], money);
        assert!(empty.starts_with("<svg") && empty.ends_with("</svg>"));
        assert!(!empty.contains("polyline"));
        let flat = line_of(&revenue_svg("R", &points(&[0, 0]), money));
        assert_eq!(flat, vec![(90.0, 190.0), (710.0, 190.0)]);
        let one = line_of(&revenue_svg("R", &points(&[7]), money));
        assert_eq!(one, vec![(400.0, 10.0)]);
    }

    #[test]
    fn long_series_drop_the_dots_and_text_is_escaped() {
        let many: Vec<i64> = (0..730).collect();
        let svg = revenue_svg("<b>&", &points(&many), money);
        assert!(!svg.contains("<circle"));
        assert_eq!(line_of(&svg).len(), 730);
        assert!(svg.contains("&lt;b&gt;&amp;"));
        assert!(!svg.contains("<b>"));
    }
}
