//! Classes of a map's values: zero on its own, then quantiles of the other values, each class
//! named by the smallest and largest value it holds.

use crate::bars::Unit;
use crate::svg::{BLUE_FRANCE, BLUE_LIGHT, BLUE_LIGHTER, BLUE_MAIN};

/// Light to dark; zero takes the lightest, the other classes colours spread over the rest.
pub(crate) const RAMP: [&str; 5] = [BLUE_LIGHTER, BLUE_LIGHT, "#8585f6", BLUE_MAIN, BLUE_FRANCE];

/// Values from `low` to `high`, both included, as found in the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Class {
    pub low: f64,
    pub high: f64,
}

/// The classes of a set of values, in increasing order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Classes {
    /// Whether the first class holds exactly the zeros.
    zero: bool,
    classes: Vec<Class>,
}

impl Classes {
    /// Classes of the finite values among `values` (the others are ignored): a class for zero
    /// when some value is zero, then up to as many quantile classes of the other values as the
    /// ramp has colours left, fewer when values repeat.
    pub fn of(values: &[f64]) -> Classes {
        let finite = values.iter().copied().filter(|v| v.is_finite());
        let (zeros, others): (Vec<f64>, Vec<f64>) = finite.partition(|v| *v == 0.0);
        let zero = !zeros.is_empty();
        let mut classes = Vec::new();
        if zero {
            classes.push(Class {
                low: 0.0,
                high: 0.0,
            });
        }
        let wanted = if zero { RAMP.len() - 1 } else { RAMP.len() };
        classes.extend(quantile_classes(others, wanted));
        Classes { zero, classes }
    }

    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// The index of the class a value falls in; `None` without classes or for a value that is
    /// not finite.
    pub fn class_of(&self, value: f64) -> Option<usize> {
        if !value.is_finite() || self.classes.is_empty() {
            return None;
        }
        if self.zero && value == 0.0 {
            return Some(0);
        }
        let first = usize::from(self.zero);
        let last = self.classes.len() - 1;
        Some(
            (first..=last)
                .find(|&i| value <= self.classes[i].high)
                .unwrap_or(last),
        )
    }

    /// The colour of a class: the lightest for zero, the others spread from light to dark.
    pub fn colour(&self, class: usize) -> &'static str {
        let palette: &[&'static str] = if self.zero { &RAMP[1..] } else { &RAMP };
        if self.zero && class == 0 {
            return RAMP[0];
        }
        let first = usize::from(self.zero);
        let count = self.classes.len().saturating_sub(first);
        let index = class.saturating_sub(first);
        let at = if count <= 1 {
            palette.len() / 2
        } else {
            (index.min(count - 1) * (palette.len() - 1) + (count - 1) / 2) / (count - 1)
        };
        palette[at.min(palette.len() - 1)]
    }

    /// The legend of a class, in French: one value when the class holds only one.
    pub fn label(&self, class: usize, unit: &Unit) -> String {
        match self.classes.get(class) {
            Some(c) if c.low == c.high => unit.format(c.low),
            Some(c) => unit.format_range(c.low, c.high),
            None => String::new(),
        }
    }
}

/// Splits values into up to `wanted` classes at their quantiles; each class is then bounded by
/// the smallest and largest value it actually holds, so no two classes overlap.
fn quantile_classes(mut sorted: Vec<f64>, wanted: usize) -> Vec<Class> {
    sorted.sort_by(f64::total_cmp);
    let Some(&max) = sorted.last() else {
        return Vec::new();
    };
    let wanted = wanted.max(1);
    let quantile = |p: f64| {
        let at = p * (sorted.len() - 1) as f64;
        let (below, above) = (at.floor() as usize, at.ceil() as usize);
        sorted[below] + (sorted[above] - sorted[below]) * (at - below as f64)
    };
    let mut upper: Vec<f64> = (1..wanted)
        .map(|i| quantile(i as f64 / wanted as f64))
        .collect();
    upper.push(max);
    let mut classes: Vec<Class> = Vec::with_capacity(upper.len());
    let mut values = sorted.iter().copied().peekable();
    for bound in upper {
        let mut class: Option<Class> = None;
        while let Some(v) = values.next_if(|v| *v <= bound) {
            class = Some(match class {
                Some(c) => Class { high: v, ..c },
                None => Class { low: v, high: v },
            });
        }
        classes.extend(class);
    }
    classes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(classes: &Classes) -> Vec<(f64, f64)> {
        classes.classes.iter().map(|c| (c.low, c.high)).collect()
    }

    fn euros() -> Unit {
        Unit::Euros
    }

    #[test]
    fn zero_is_a_class_of_its_own_before_quantiles_of_the_rest() {
        // The basin's communes: most without any aid, a few with a great deal.
        let mut values = vec![0.0; 300];
        values.extend([
            1e7, 2e7, 5e7, 1e8, 3e8, 8e8, 1.5e9, 4e9, 9e9, 1.92e10, 2e8, 6e8,
        ]);
        let classes = Classes::of(&values);
        assert_eq!(classes.len(), 5, "{:?}", bounds(&classes));
        assert_eq!(classes.label(0, &euros()), "0\u{A0}€");
        assert_eq!(classes.class_of(0.0), Some(0));
        assert_eq!(classes.class_of(1e7), Some(1));
        assert_eq!(classes.class_of(1.92e10), Some(4));
        assert_eq!(classes.label(4, &euros()), "40\u{A0}M€ – 192\u{A0}M€");
        // Five different colours, light to dark.
        let colours: Vec<&str> = (0..5).map(|i| classes.colour(i)).collect();
        assert_eq!(colours, RAMP.to_vec());
        // Classes follow one another without overlapping.
        for pair in bounds(&classes).windows(2) {
            assert!(pair[0].1 < pair[1].0, "{pair:?}");
        }
    }

    #[test]
    fn all_zero_is_one_class() {
        let classes = Classes::of(&[0.0, 0.0, 0.0]);
        assert_eq!(bounds(&classes), vec![(0.0, 0.0)]);
        assert_eq!(classes.label(0, &euros()), "0\u{A0}€");
        assert_eq!(classes.colour(0), RAMP[0]);
        assert_eq!(classes.class_of(0.0), Some(0));
    }

    #[test]
    fn one_value_is_one_class_named_by_it() {
        let classes = Classes::of(&[42.0]);
        assert_eq!(bounds(&classes), vec![(42.0, 42.0)]);
        let unit = Unit::Count("opérations".into());
        assert_eq!(classes.label(0, &unit), "42\u{A0}opérations");
        assert_eq!(classes.class_of(42.0), Some(0));
        assert_eq!(classes.class_of(7.0), Some(0));
    }

    #[test]
    fn ties_make_fewer_classes_never_an_empty_one() {
        let classes = Classes::of(&[0.0, 0.0, 5.0, 5.0, 5.0, 5.0, 5.0, 100.0]);
        assert_eq!(
            bounds(&classes),
            vec![(0.0, 0.0), (5.0, 5.0), (100.0, 100.0)]
        );
        let colours: Vec<&str> = (0..3).map(|i| classes.colour(i)).collect();
        assert_eq!(colours[0], RAMP[0]);
        assert!(colours[1] != colours[2] && colours[1] != colours[0]);
        assert_eq!(classes.class_of(100.0), Some(2));
    }

    #[test]
    fn counts_are_spread_without_zero_when_none_is_zero() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        let classes = Classes::of(&values);
        assert_eq!(
            bounds(&classes),
            vec![(1.0, 2.0), (3.0, 4.0), (5.0, 6.0), (7.0, 8.0), (9.0, 10.0)]
        );
        let unit = Unit::Count("opérations".into());
        assert_eq!(classes.label(0, &unit), "1 – 2\u{A0}opérations");
        assert_eq!(classes.colour(0), RAMP[0]);
        assert_eq!(classes.colour(4), RAMP[4]);
    }

    #[test]
    fn huge_and_odd_values_never_panic() {
        let classes = Classes::of(&[0.0, f64::MAX, 9.2e18, 1e15, f64::NAN, f64::INFINITY, -3.0]);
        assert!(classes.len() >= 3, "{:?}", bounds(&classes));
        for i in 0..classes.len() + 2 {
            let _ = classes.colour(i);
            assert!(!classes.label(i, &euros()).contains("NaN"));
        }
        assert_eq!(classes.class_of(f64::NAN), None);
        assert_eq!(classes.class_of(f64::MAX), Some(classes.len() - 1));
        assert_eq!(classes.class_of(-3.0), Some(1));

        let empty = Classes::of(&[]);
        assert_eq!(empty.len(), 0);
        assert_eq!(empty.class_of(1.0), None);
        assert_eq!(empty.label(0, &euros()), "");
        let _ = empty.colour(0);
    }
}
