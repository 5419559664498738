//! CloudWatch Logs filter patterns: parsing, and deciding whether one pattern catches every event
//! another catches.
//!
//! Only JSON patterns are understood: `{ SELECTOR OPERATOR VALUE && ... || ... }`. Text-term,
//! space-delimited (`[...]`) and bare `%regex%` patterns, and the empty pattern, are reported as
//! errors, so that anything built on [`FilterPattern::covers`] fails closed on them.
//!
//! # Grammar
//!
//! ```text
//! pattern   = "{" or_expr "}"
//! or_expr   = and_expr { "||" and_expr }          -- && binds tighter than ||, as AWS documents
//! and_expr  = primary { "&&" primary }
//! primary   = "(" or_expr ")" | condition
//! condition = selector ( op value | "IS NULL" | "IS TRUE" | "IS FALSE" | "NOT EXISTS" )
//! selector  = "$" "." name { "." name | "[" digits "]" }    name = [A-Za-z0-9_@:-]+
//! op        = "=" | "!=" | "<" | "<=" | ">" | ">="          (the last four take numbers only)
//! value     = "\"" text "\"" | "%" regex "%" | bare         (only \" and \\ escape in text)
//! ```
//!
//! Whitespace between tokens is insignificant. A bare value that reads as a number
//! (`-12`, `3.5`, `1e3`) is a number; any other value is a string, quoted or not: `Root` and
//! `"Root"` are the same string, and a leading or trailing `*` is a wildcard either way.
//! Keywords (`IS`, `NULL`, `NOT`, `EXISTS`, `TRUE`, `FALSE`) are upper case, as documented.
//!
//! # Coverage
//!
//! `a.covers(&b)` says that every log event `b` matches, `a` matches too. Both patterns are
//! expanded into a disjunction of conjunctions of conditions; contradictory conjunctions (a field
//! equal to two different values, present and absent…) are dropped; then every conjunction of `b`
//! must have a conjunction of `a` each of whose conditions follows from one condition of `b` on
//! the same field. The check is sound (it never claims coverage that does not hold) but not
//! complete: it answers "no" when coverage would need reasoning across several conditions, about
//! CloudTrail itself (that `eventName = CreateTrail` implies `eventSource = cloudtrail…`), or
//! about regular expressions. Where AWS's documentation leaves the semantics open it assumes
//! nothing:
//!
//! - whether `!=` holds for an absent field: no rule depends on it (`$.f = v` implies
//!   `$.f != w` only when no value matches both);
//! - whether `*` matches the empty string: every wildcard rule holds either way;
//! - whether `= *` matches an empty string or `null`, a `*` inside a value, `?`, `**` and regular
//!   expressions: such values are opaque, implied only by the identical condition;
//! - selectors name one value (no array traversal), and matching is case-sensitive.
//!
//! # CIS references
//!
//! [`CIS_CONTROLS`] holds the filter patterns of CIS AWS Foundations Benchmark v5.0.0 controls
//! 4.1–4.15 (with the variants accepted for 4.1 and 4.2) and what is wrong with the remediation
//! commands of 4.1, 4.3, 4.4, 4.8 and 4.13.

use std::fmt;
use std::str::FromStr;

/// Parenthesis nesting deeper than this is refused (AWS caps patterns at 1,024 characters).
const MAX_DEPTH: usize = 64;
/// Expanded patterns with more alternatives than this are not reasoned about (fail closed).
const MAX_CONJUNCTS: usize = 4096;

// ---------------------------------------------------------------------------------------------
// The syntax tree
// ---------------------------------------------------------------------------------------------

/// A parsed JSON filter pattern. Its [`Display`](fmt::Display) form parses back to the same tree.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterPattern {
    expr: Expr,
}

/// A boolean expression over conditions. `And` and `Or` always have at least two operands;
/// parentheses around a group survive as nesting, parentheses around one condition do not.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Condition(Condition),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// `SELECTOR OPERATOR VALUE`, or a selector with a unary test.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub selector: Selector,
    pub test: Test,
}

/// A path into the JSON event: `$.userIdentity.type`, `$.resources[0].ARN`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selector(pub Vec<Step>);

/// One step of a [`Selector`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Field(String),
    Index(u32),
}

/// What a condition checks of the selected value.
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `= != < <= > >=` and a value (`< <= > >=` only with numbers, regular expressions only
    /// with `=` and `!=`).
    Compare { op: Op, value: Value },
    /// `IS NULL`: the field is present and JSON `null`.
    IsNull,
    /// `NOT EXISTS`: the field is absent.
    NotExists,
    /// `IS TRUE`.
    IsTrue,
    /// `IS FALSE`.
    IsFalse,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string, quoted or bare, with `"` and `\` unescaped; `*` at either end is a wildcard.
    String(String),
    /// A number (always finite).
    Number(f64),
    /// A regular expression, without its `%` delimiters.
    Regex(String),
}

/// Why a text is not a JSON filter pattern this module understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPatternError {
    /// Where parsing stopped: a character index into the text, counted from 0.
    pub position: usize,
    /// What was expected or wrong there.
    pub message: String,
}

impl fmt::Display for FilterPatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid filter pattern at character {}: {}", self.position + 1, self.message)
    }
}

impl std::error::Error for FilterPatternError {}

/// The answer of [`FilterPattern::coverage`].
#[derive(Debug, Clone, PartialEq)]
pub enum Coverage {
    /// Every event the reference matches, the pattern matches too.
    Covered,
    /// Events matching this part of the reference (one of its alternatives) are not shown to be
    /// matched by the pattern.
    Misses(FilterPattern),
    /// The pattern contradicts itself in every alternative and matches no event at all.
    MatchesNothing,
    /// Too many alternatives once expanded to reason about; treated as not covered.
    TooComplex,
}

impl FilterPattern {
    /// Parses a JSON filter pattern (`{ ... }`, surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Self, FilterPatternError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, pos: 0, end: text.chars().count() };
        let expr = parser.pattern()?;
        Ok(FilterPattern { expr })
    }

    /// The expression between the braces.
    pub fn expr(&self) -> &Expr {
        &self.expr
    }

    /// A pattern matching any event one of `patterns` matches (`None` for no patterns): several
    /// metric filters that feed alarms can together cover a reference.
    pub fn any_of<'a>(patterns: impl IntoIterator<Item = &'a FilterPattern>) -> Option<FilterPattern> {
        let mut exprs: Vec<Expr> = patterns.into_iter().map(|p| p.expr.clone()).collect();
        match exprs.len() {
            0 => None,
            1 => exprs.pop().map(|expr| FilterPattern { expr }),
            _ => Some(FilterPattern { expr: Expr::Or(exprs) }),
        }
    }

    /// The same pattern with nested `&&` and `||` flattened, their operands sorted and duplicates
    /// removed: two patterns that differ only in whitespace, quoting, grouping of one operator
    /// or operand order have equal canonical forms.
    pub fn canonical(&self) -> FilterPattern {
        FilterPattern { expr: canonical(&self.expr) }
    }

    /// Whether this pattern matches every event `reference` matches (sound, incomplete; see the
    /// module documentation).
    pub fn covers(&self, reference: &FilterPattern) -> bool {
        self.coverage(reference) == Coverage::Covered
    }

    /// [`covers`](Self::covers), saying what is missed when the answer is no.
    pub fn coverage(&self, reference: &FilterPattern) -> Coverage {
        let (Some(mine), Some(theirs)) = (dnf(&self.expr), dnf(&reference.expr)) else {
            return Coverage::TooComplex;
        };
        let mine: Vec<_> = mine.into_iter().filter(|c| satisfiable(c)).collect();
        if mine.is_empty() {
            return Coverage::MatchesNothing;
        }
        for wanted in theirs.iter().filter(|c| satisfiable(c)) {
            let caught = mine.iter().any(|ours| ours.iter().all(|a| wanted.iter().any(|b| implies(b, a))));
            if !caught {
                return Coverage::Misses(conjunct_pattern(wanted));
            }
        }
        Coverage::Covered
    }
}

impl FromStr for FilterPattern {
    type Err = FilterPatternError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        FilterPattern::parse(text)
    }
}

/// Whether two texts are the same pattern token for token: only whitespace between tokens may
/// differ (quoting, parentheses and operand order may not). False if either does not tokenize.
pub fn same_tokens(a: &str, b: &str) -> bool {
    match (tokenize(a), tokenize(b)) {
        (Ok(x), Ok(y)) => x.len() == y.len() && x.iter().zip(&y).all(|(s, t)| s.kind == t.kind),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Printing
// ---------------------------------------------------------------------------------------------

impl fmt::Display for FilterPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ {} }}", self.expr)
    }
}

impl fmt::Display for Expr {
    /// Conditions bare, groups in parentheses: `$.a = "x" && ($.b = "y" || $.c NOT EXISTS)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (operands, joiner) = match self {
            Expr::Condition(c) => return write!(f, "{c}"),
            Expr::And(xs) => (xs, " && "),
            Expr::Or(xs) => (xs, " || "),
        };
        for (i, x) in operands.iter().enumerate() {
            if i > 0 {
                f.write_str(joiner)?;
            }
            match x {
                Expr::Condition(c) => write!(f, "{c}")?,
                group => write!(f, "({group})")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.test {
            Test::Compare { op, value } => write!(f, "{} {op} {value}", self.selector),
            Test::IsNull => write!(f, "{} IS NULL", self.selector),
            Test::NotExists => write!(f, "{} NOT EXISTS", self.selector),
            Test::IsTrue => write!(f, "{} IS TRUE", self.selector),
            Test::IsFalse => write!(f, "{} IS FALSE", self.selector),
        }
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("$")?;
        for step in &self.0 {
            match step {
                Step::Field(name) => write!(f, ".{name}")?,
                Step::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        })
    }
}

impl fmt::Display for Value {
    /// Strings always quoted (`"` and `\` escaped); numbers in Rust's shortest exact form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => {
                f.write_str("\"")?;
                for c in s.chars() {
                    if c == '"' || c == '\\' {
                        f.write_str("\\")?;
                    }
                    write!(f, "{c}")?;
                }
                f.write_str("\"")
            }
            Value::Number(n) => write!(f, "{n}"),
            Value::Regex(r) => write!(f, "%{r}%"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    LBrace,
    RBrace,
    LParen,
    RParen,
    And,
    Or,
    Op(Op),
    Selector(Selector),
    Quoted(String),
    Regex(String),
    Bare(String),
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: Kind,
    /// Character index of the token's first character.
    at: usize,
}

impl fmt::Display for Kind {
    /// The token as it reads in an error message (long values shortened).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Kind::LBrace => "{".to_string(),
            Kind::RBrace => "}".to_string(),
            Kind::LParen => "(".to_string(),
            Kind::RParen => ")".to_string(),
            Kind::And => "&&".to_string(),
            Kind::Or => "||".to_string(),
            Kind::Op(op) => op.to_string(),
            Kind::Selector(s) => s.to_string(),
            Kind::Quoted(s) => Value::String(s.clone()).to_string(),
            Kind::Regex(r) => format!("%{r}%"),
            Kind::Bare(b) => b.clone(),
        };
        let short: String = text.chars().take(40).collect();
        let more = if short.len() < text.len() { "…" } else { "" };
        write!(f, "`{short}{more}`")
    }
}

fn error<T>(position: usize, message: impl Into<String>) -> Result<T, FilterPatternError> {
    Err(FilterPatternError { position, message: message.into() })
}

/// Characters that end a bare value.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | '{' | '}' | '&' | '|' | '"' | '=' | '!' | '<' | '>')
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '@' | ':')
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterPatternError> {
    let chars: Vec<char> = text.chars().collect();
    let next = |i: usize| chars.get(i).copied();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(c) = next(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let at = i;
        let kind = match c {
            '{' | '}' | '(' | ')' | '=' => {
                i += 1;
                match c {
                    '{' => Kind::LBrace,
                    '}' => Kind::RBrace,
                    '(' => Kind::LParen,
                    ')' => Kind::RParen,
                    _ => Kind::Op(Op::Eq),
                }
            }
            '&' | '|' => {
                if next(i + 1) != Some(c) {
                    return error(at, format!("expected `{c}{c}`"));
                }
                i += 2;
                if c == '&' { Kind::And } else { Kind::Or }
            }
            '!' | '<' | '>' => {
                let with_eq = next(i + 1) == Some('=');
                i += if with_eq { 2 } else { 1 };
                match (c, with_eq) {
                    ('!', true) => Kind::Op(Op::Ne),
                    ('!', false) => return error(at, "expected `!=`"),
                    ('<', true) => Kind::Op(Op::Le),
                    ('<', false) => Kind::Op(Op::Lt),
                    (_, true) => Kind::Op(Op::Ge),
                    (_, false) => Kind::Op(Op::Gt),
                }
            }
            '"' => {
                let mut value = String::new();
                i += 1;
                loop {
                    match next(i) {
                        None => return error(at, "unterminated string: no closing `\"`"),
                        Some('"') => break,
                        Some('\\') => match next(i + 1) {
                            Some(e @ ('"' | '\\')) => {
                                value.push(e);
                                i += 2;
                            }
                            None => return error(at, "unterminated string: no closing `\"`"),
                            Some(e) => return error(i, format!("unsupported escape `\\{e}` (only `\\\"` and `\\\\`)")),
                        },
                        Some(ch) => {
                            value.push(ch);
                            i += 1;
                        }
                    }
                }
                i += 1;
                Kind::Quoted(value)
            }
            '%' => {
                let start = i + 1;
                let Some(len) = chars[start..].iter().position(|&ch| ch == '%') else {
                    return error(at, "unterminated regular expression: no closing `%`");
                };
                if len == 0 {
                    return error(at, "empty regular expression `%%`");
                }
                i = start + len + 1;
                Kind::Regex(chars[start..start + len].iter().collect())
            }
            '$' => {
                let (selector, end) = selector(&chars, at)?;
                i = end;
                Kind::Selector(selector)
            }
            _ => {
                let start = i;
                while next(i).is_some_and(|ch| !is_delimiter(ch)) {
                    i += 1;
                }
                Kind::Bare(chars[start..i].iter().collect())
            }
        };
        tokens.push(Token { kind, at });
    }
    Ok(tokens)
}

/// Reads the selector starting with the `$` at `at`; returns it and the index after it.
fn selector(chars: &[char], at: usize) -> Result<(Selector, usize), FilterPatternError> {
    let mut steps = Vec::new();
    let mut i = at + 1;
    loop {
        match chars.get(i) {
            Some('.') => {
                let start = i + 1;
                let len = chars[start..].iter().take_while(|&&c| is_name_char(c)).count();
                if len == 0 {
                    return error(start, "expected a field name after `.`");
                }
                steps.push(Step::Field(chars[start..start + len].iter().collect()));
                i = start + len;
            }
            Some('[') => {
                if steps.is_empty() {
                    return error(i, "an array index must follow a field name (`$.name[0]`)");
                }
                let start = i + 1;
                let len = chars[start..].iter().take_while(|c| c.is_ascii_digit()).count();
                if len == 0 {
                    return error(start, "expected an array index (digits) after `[`");
                }
                if chars.get(start + len) != Some(&']') {
                    return error(start + len, "expected `]` after the array index");
                }
                let digits: String = chars[start..start + len].iter().collect();
                let Ok(index) = digits.parse::<u32>() else {
                    return error(start, "array index too large");
                };
                steps.push(Step::Index(index));
                i = start + len + 1;
            }
            _ => break,
        }
    }
    if steps.is_empty() {
        return error(at, "`$` must be followed by a field (`$.name`)");
    }
    Ok((Selector(steps), i))
}

/// `[+-]digits[.digits][e[+-]digits]`, or with the digits after the point only (`.5`).
fn is_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return false;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Character count of the text: the position of "end of pattern".
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Kind> {
        self.tokens.get(self.pos).map(|t| &t.kind)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn pattern(&mut self) -> Result<Expr, FilterPatternError> {
        match self.next() {
            Some(Token { kind: Kind::LBrace, .. }) => {}
            None => return error(0, "empty pattern: a JSON filter pattern is `{ ... }`"),
            Some(t) => {
                return error(t.at, format!("not a JSON filter pattern: expected `{{`, found {}", t.kind));
            }
        }
        let expr = self.or_expr(0)?;
        match self.next() {
            Some(Token { kind: Kind::RBrace, .. }) => {}
            None => return error(self.end, "missing closing `}`"),
            Some(t) => return error(t.at, format!("expected `&&`, `||` or `}}`, found {}", t.kind)),
        }
        if let Some(t) = self.next() {
            return error(t.at, format!("unexpected {} after the closing `}}`", t.kind));
        }
        Ok(expr)
    }

    fn or_expr(&mut self, depth: usize) -> Result<Expr, FilterPatternError> {
        let mut operands = vec![self.and_expr(depth)?];
        while self.peek() == Some(&Kind::Or) {
            self.pos += 1;
            operands.push(self.and_expr(depth)?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Expr::Or(operands) })
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, FilterPatternError> {
        let mut operands = vec![self.primary(depth)?];
        while self.peek() == Some(&Kind::And) {
            self.pos += 1;
            operands.push(self.primary(depth)?);
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Expr::And(operands) })
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, FilterPatternError> {
        match self.next() {
            Some(Token { kind: Kind::LParen, at }) => {
                if depth >= MAX_DEPTH {
                    return error(at, format!("parentheses nested more than {MAX_DEPTH} deep"));
                }
                let expr = self.or_expr(depth + 1)?;
                match self.next() {
                    Some(Token { kind: Kind::RParen, .. }) => Ok(expr),
                    None => error(self.end, "missing closing `)`"),
                    Some(t) => error(t.at, format!("expected `&&`, `||` or `)`, found {}", t.kind)),
                }
            }
            Some(Token { kind: Kind::Selector(selector), .. }) => self.condition(selector),
            None => error(self.end, "unexpected end of pattern: expected a condition (`$.field ...`) or `(`"),
            Some(t) => error(t.at, format!("expected a condition (`$.field ...`) or `(`, found {}", t.kind)),
        }
    }

    fn condition(&mut self, selector: Selector) -> Result<Expr, FilterPatternError> {
        let test = match self.next() {
            Some(Token { kind: Kind::Op(op), at }) => Test::Compare { op, value: self.value(op, at)? },
            Some(Token { kind: Kind::Bare(word), at }) if word == "IS" => match self.next() {
                Some(Token { kind: Kind::Bare(w), .. }) if w == "NULL" => Test::IsNull,
                Some(Token { kind: Kind::Bare(w), .. }) if w == "TRUE" => Test::IsTrue,
                Some(Token { kind: Kind::Bare(w), .. }) if w == "FALSE" => Test::IsFalse,
                Some(t) => return error(t.at, format!("expected NULL, TRUE or FALSE after IS, found {}", t.kind)),
                None => return error(at, "expected NULL, TRUE or FALSE after IS"),
            },
            Some(Token { kind: Kind::Bare(word), at }) if word == "NOT" => match self.next() {
                Some(Token { kind: Kind::Bare(w), .. }) if w == "EXISTS" => Test::NotExists,
                Some(t) => return error(t.at, format!("expected EXISTS after NOT, found {}", t.kind)),
                None => return error(at, "expected EXISTS after NOT"),
            },
            found => {
                let (at, what) = match found {
                    Some(t) => (t.at, format!(", found {}", t.kind)),
                    None => (self.end, String::new()),
                };
                return error(
                    at,
                    format!(
                        "expected an operator (= != < <= > >=), IS NULL, IS TRUE, IS FALSE or NOT EXISTS after `{selector}`{what}"
                    ),
                );
            }
        };
        Ok(Expr::Condition(Condition { selector, test }))
    }

    fn value(&mut self, op: Op, op_at: usize) -> Result<Value, FilterPatternError> {
        let numeric_only = matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge);
        let (value, at) = match self.next() {
            Some(Token { kind: Kind::Quoted(s), at }) => (Value::String(s), at),
            Some(Token { kind: Kind::Regex(r), at }) => (Value::Regex(r), at),
            Some(Token { kind: Kind::Bare(b), at }) if is_number(&b) => match b.parse::<f64>() {
                Ok(n) if n.is_finite() => (Value::Number(n), at),
                _ => return error(at, format!("number `{b}` is out of range")),
            },
            Some(Token { kind: Kind::Bare(b), at }) => (Value::String(b), at),
            Some(t) => return error(t.at, format!("expected a value after `{op}`, found {}", t.kind)),
            None => return error(op_at, format!("expected a value after `{op}`")),
        };
        if numeric_only && !matches!(value, Value::Number(_)) {
            return error(at, format!("`{op}` compares numbers, found {value}"));
        }
        Ok(value)
    }
}

// ---------------------------------------------------------------------------------------------
// Canonical form
// ---------------------------------------------------------------------------------------------

fn canonical(expr: &Expr) -> Expr {
    let (operands, is_and) = match expr {
        Expr::Condition(_) => return expr.clone(),
        Expr::And(xs) => (xs, true),
        Expr::Or(xs) => (xs, false),
    };
    let mut flat = Vec::new();
    for x in operands.iter().map(canonical) {
        match x {
            Expr::And(ys) if is_and => flat.extend(ys),
            Expr::Or(ys) if !is_and => flat.extend(ys),
            other => flat.push(other),
        }
    }
    let mut keyed: Vec<(String, Expr)> = flat.into_iter().map(|x| (x.to_string(), x)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    let mut flat: Vec<Expr> = keyed.into_iter().map(|(_, x)| x).collect();
    match (flat.len(), is_and) {
        (1, _) => flat.remove(0),
        (_, true) => Expr::And(flat),
        (_, false) => Expr::Or(flat),
    }
}

// ---------------------------------------------------------------------------------------------
// Coverage
// ---------------------------------------------------------------------------------------------

/// One alternative of a pattern in disjunctive normal form: all of these conditions hold.
type Conjunct<'a> = Vec<&'a Condition>;

/// The pattern as alternatives of conjunctions, or `None` above [`MAX_CONJUNCTS`].
fn dnf(expr: &Expr) -> Option<Vec<Conjunct<'_>>> {
    match expr {
        Expr::Condition(c) => Some(vec![vec![c]]),
        Expr::Or(xs) => {
            let mut out = Vec::new();
            for x in xs {
                out.extend(dnf(x)?);
                if out.len() > MAX_CONJUNCTS {
                    return None;
                }
            }
            Some(out)
        }
        Expr::And(xs) => {
            let mut out: Vec<Conjunct<'_>> = vec![Vec::new()];
            for x in xs {
                let part = dnf(x)?;
                if out.len().saturating_mul(part.len()) > MAX_CONJUNCTS {
                    return None;
                }
                let mut product = Vec::with_capacity(out.len() * part.len());
                for left in &out {
                    for right in &part {
                        let mut both = left.clone();
                        for c in right {
                            if !both.contains(c) {
                                both.push(c);
                            }
                        }
                        product.push(both);
                    }
                }
                out = product;
            }
            Some(out)
        }
    }
}

fn conjunct_pattern(conjunct: &[&Condition]) -> FilterPattern {
    let mut operands: Vec<Expr> = conjunct.iter().map(|c| Expr::Condition((*c).clone())).collect();
    let expr = if operands.len() == 1 { operands.remove(0) } else { Expr::And(operands) };
    FilterPattern { expr }
}

/// The set of strings a string value matches, when it can be reasoned about.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Lang<'a> {
    Exact(&'a str),
    /// `core*`
    Prefix(&'a str),
    /// `*core`
    Suffix(&'a str),
    /// `*core*`
    Contains(&'a str),
    /// `*` alone.
    Any,
}

/// `None` for values whose meaning is not pinned down: `*` inside, `**`, `?`.
fn lang(value: &str) -> Option<Lang<'_>> {
    if value == "*" {
        return Some(Lang::Any);
    }
    if value.contains('?') {
        return None;
    }
    let (lead, rest) = match value.strip_prefix('*') {
        Some(rest) => (true, rest),
        None => (false, value),
    };
    let (trail, core) = match rest.strip_suffix('*') {
        Some(core) => (true, core),
        None => (false, rest),
    };
    if core.contains('*') || (core.is_empty() && (lead || trail)) {
        return None;
    }
    Some(match (lead, trail) {
        (false, false) => Lang::Exact(core),
        (false, true) => Lang::Prefix(core),
        (true, false) => Lang::Suffix(core),
        (true, true) => Lang::Contains(core),
    })
}

/// Whether `needle` occurs in `hay` with at least `before` bytes before it and `after` after it.
/// (Byte offsets are enough: a UTF-8 match always starts and ends on character boundaries.)
fn occurs_inside(hay: &str, needle: &str, before: usize, after: usize) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    if h.len() < before + n.len() + after {
        return false;
    }
    (before..=h.len() - n.len() - after).any(|i| &h[i..i + n.len()] == n)
}

/// L(x) ⊆ L(y), whether a wildcard `*` may match the empty string or must match at least one
/// character (the documentation does not say), and whether `= *` admits the empty string or not.
fn subset(x: Lang<'_>, y: Lang<'_>) -> bool {
    use Lang::*;
    match (x, y) {
        (Exact(v), Any) => !v.is_empty(),
        (_, Any) => true,
        (Any, _) => false,
        (Exact(v), Exact(w)) => v == w,
        (Exact(v), Prefix(p)) => v.len() > p.len() && v.starts_with(p),
        (Exact(v), Suffix(s)) => v.len() > s.len() && v.ends_with(s),
        (Exact(v), Contains(c)) => occurs_inside(v, c, 1, 1),
        (Prefix(p), Prefix(q)) => p.starts_with(q),
        (Prefix(p), Contains(c)) => occurs_inside(p, c, 1, 0),
        (Suffix(s), Suffix(t)) => s.ends_with(t),
        (Suffix(s), Contains(c)) => occurs_inside(s, c, 0, 1),
        (Contains(c), Contains(d)) => c.contains(d),
        (_, Exact(_)) | (Prefix(_), Suffix(_)) | (Suffix(_), Prefix(_)) | (Contains(_), _) => false,
    }
}

/// L(x) ∩ L(y) = ∅ under the broadest reading (`*` may match the empty string), hence under any.
fn disjoint(x: Lang<'_>, y: Lang<'_>) -> bool {
    use Lang::*;
    let member = |v: &str, l: Lang<'_>| match l {
        Exact(w) => v == w,
        Prefix(p) => v.starts_with(p),
        Suffix(s) => v.ends_with(s),
        Contains(c) => v.contains(c),
        Any => true,
    };
    match (x, y) {
        (Exact(v), other) | (other, Exact(v)) => !member(v, other),
        (Prefix(p), Prefix(q)) => !p.starts_with(q) && !q.starts_with(p),
        (Suffix(s), Suffix(t)) => !s.ends_with(t) && !t.ends_with(s),
        _ => false,
    }
}

/// The string language of `= value` / `!= value`, when it can be reasoned about.
fn string_test(test: &Test) -> Option<(Op, Lang<'_>)> {
    match test {
        Test::Compare { op: op @ (Op::Eq | Op::Ne), value: Value::String(s) } => Some((*op, lang(s)?)),
        _ => None,
    }
}

fn compare(op: Op, x: f64, y: f64) -> bool {
    match op {
        Op::Eq => x == y,
        Op::Ne => x != y,
        Op::Lt => x < y,
        Op::Le => x <= y,
        Op::Gt => x > y,
        Op::Ge => x >= y,
    }
}

/// Whether `b` holding guarantees `a` holds.
fn implies(b: &Condition, a: &Condition) -> bool {
    if b == a {
        return true;
    }
    if b.selector != a.selector {
        return false;
    }
    if let (Some((Op::Eq, lb)), Some((op_a, la))) = (string_test(&b.test), string_test(&a.test)) {
        // The field is present with a string in L(b).
        return match op_a {
            Op::Eq => subset(lb, la),
            _ => disjoint(lb, la),
        };
    }
    if let (Some((Op::Ne, lb)), Some((Op::Ne, la))) = (string_test(&b.test), string_test(&a.test)) {
        // Whatever `!=` does with an absent field, it does for both.
        return subset(la, lb);
    }
    match (&b.test, &a.test) {
        (Test::Compare { op: Op::Eq, value: Value::Number(x) }, Test::Compare { op, value: Value::Number(y) }) => {
            compare(*op, *x, *y)
        }
        _ => false,
    }
}

/// Whether two conditions on the same field can never hold together.
fn contradict(x: &Test, y: &Test) -> bool {
    let needs_presence =
        |t: &Test| matches!(t, Test::IsNull | Test::IsTrue | Test::IsFalse | Test::Compare { op: Op::Eq, .. });
    let definite_non_null = |t: &Test| match t {
        Test::IsTrue | Test::IsFalse | Test::Compare { op: Op::Eq, value: Value::Number(_) } => true,
        _ => matches!(string_test(t), Some((Op::Eq, l)) if l != Lang::Any),
    };
    match (x, y) {
        (Test::NotExists, t) | (t, Test::NotExists) if needs_presence(t) => true,
        (Test::IsNull, t) | (t, Test::IsNull) if definite_non_null(t) => true,
        (Test::IsTrue, Test::IsFalse) | (Test::IsFalse, Test::IsTrue) => true,
        (Test::Compare { op: Op::Eq, value: Value::Number(n) }, Test::Compare { op, value: Value::Number(m) })
        | (Test::Compare { op, value: Value::Number(m) }, Test::Compare { op: Op::Eq, value: Value::Number(n) }) => {
            !compare(*op, *n, *m)
        }
        _ => match (string_test(x), string_test(y)) {
            (Some((Op::Eq, l)), Some((Op::Eq, m))) => disjoint(l, m),
            (Some((Op::Eq, l)), Some((Op::Ne, m))) | (Some((Op::Ne, m)), Some((Op::Eq, l))) => subset(l, m),
            _ => false,
        },
    }
}

fn satisfiable(conjunct: &[&Condition]) -> bool {
    conjunct
        .iter()
        .enumerate()
        .all(|(i, x)| conjunct[i + 1..].iter().all(|y| x.selector != y.selector || !contradict(&x.test, &y.test)))
}

// ---------------------------------------------------------------------------------------------
// CIS AWS Foundations Benchmark v5.0.0, controls 4.1–4.15
// ---------------------------------------------------------------------------------------------

/// One CIS monitoring control: the metric-filter patterns that satisfy it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CisControl {
    /// The recommendation number, `"4.1"` … `"4.15"`.
    pub id: &'static str,
    /// The rule this project names after it.
    pub rule_name: &'static str,
    /// Patterns a metric filter may match; the audit literal comes first.
    pub accepted: &'static [AcceptedPattern],
    /// What is wrong with the benchmark's remediation command, where something is.
    pub remediation: Option<RemediationDefect>,
}

/// A filter pattern accepted for a control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptedPattern {
    /// The pattern, verbatim (JSON string escaping removed).
    pub pattern: &'static str,
    pub source: PatternSource,
    /// Why this pattern is accepted, when the source alone does not say.
    pub note: &'static str,
}

/// Where an accepted pattern comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternSource {
    /// Printed by the benchmark's audit procedure.
    Audit,
    /// Adopted by this project (the reason is in the note).
    Project,
}

/// A remediation command whose `--filter-pattern` differs from the audit literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemediationDefect {
    /// The `--filter-pattern` argument as printed, shell quoting included (wrapped lines joined).
    pub printed: &'static str,
    /// The pattern that reaches CloudWatch Logs when the command is run as printed; `None` when
    /// the command fails before that.
    pub sent: Option<&'static str>,
    /// The pattern once the printing defect is repaired, when there is one to repair.
    pub repaired: Option<&'static str>,
    /// What goes wrong, in this project's words.
    pub defect: &'static str,
}

impl CisControl {
    /// The accepted patterns, parsed (all of them parse; a test checks it).
    pub fn references(&self) -> impl Iterator<Item = FilterPattern> + '_ {
        self.accepted.iter().filter_map(|a| FilterPattern::parse(a.pattern).ok())
    }

    /// The first accepted pattern `pattern` covers (see [`FilterPattern::covers`]).
    pub fn covered_by(&self, pattern: &FilterPattern) -> Option<&'static AcceptedPattern> {
        self.accepted.iter().find(|a| FilterPattern::parse(a.pattern).is_ok_and(|r| pattern.covers(&r)))
    }
}

/// The control with this id (`"4.3"`).
pub fn cis_control(id: &str) -> Option<&'static CisControl> {
    CIS_CONTROLS.iter().find(|c| c.id == id)
}

const fn audit(pattern: &'static str) -> AcceptedPattern {
    AcceptedPattern { pattern, source: PatternSource::Audit, note: "" }
}

/// CIS AWS Foundations Benchmark v5.0.0, recommendations 4.1–4.15.
pub static CIS_CONTROLS: [CisControl; 15] = [
    CisControl {
        id: "4.1",
        rule_name: "cloudwatch-alarm-unauthorized-api-calls",
        accepted: &[
            audit(
                r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#,
            ),
            AcceptedPattern {
                pattern: r#"{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }"#,
                source: PatternSource::Project,
                note: "The audit literal, read with && before || as AWS evaluates it, applies the two exclusions to \
                       AccessDenied* only; this grouping applies them to both error codes. The intent is ambiguous and \
                       the events in between (EC2-style errors from log delivery or HeadBucket) practically never \
                       occur, so both readings are accepted.",
            },
        ],
        remediation: Some(RemediationDefect {
            printed: r#""{ ($.errorCode =*UnauthorizedOperation") || ($.errorCode =\"AccessDenied*\") && ($.sourceIPAddress!=\"delivery.logs.amazonaws.com\") && ($.eventName!=\"HeadBucket\") }""#,
            sent: None,
            repaired: Some(
                r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#,
            ),
            defect: "The escaped quote before *UnauthorizedOperation is missing, so the shell string ends early and \
                     the shell stops on the || that follows; with the quote restored the pattern is the audit literal.",
        }),
    },
    CisControl {
        id: "4.2",
        rule_name: "cloudwatch-alarm-console-signin-no-mfa",
        accepted: &[
            audit(r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }"#),
            AcceptedPattern {
                pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
                source: PatternSource::Audit,
                note: "The audit's second form, which leaves out single sign-on and failed sign-ins; it is narrower \
                       than the first, so covering it is the minimum.",
            },
        ],
        remediation: None,
    },
    CisControl {
        id: "4.3",
        rule_name: "cloudwatch-alarm-root-account-usage",
        accepted: &[audit(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        )],
        remediation: Some(RemediationDefect {
            printed: r#"'{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" ' }"#,
            sent: None,
            repaired: Some(
                r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            ),
            defect: "The closing single quote stands before the closing brace, so the pattern loses its brace and the \
                     brace becomes a stray argument the CLI rejects; repaired, it is the audit literal.",
        }),
    },
    CisControl {
        id: "4.4",
        rule_name: "cloudwatch-alarm-iam-policy-changes",
        accepted: &[audit(
            "{ ($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || \
             ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || \
             ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || \
             ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || \
             ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || \
             ($.eventName=DetachGroupPolicy) }",
        )],
        remediation: Some(RemediationDefect {
            printed: "'({$.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||\
                      ($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||\
                      ($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||\
                      ($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||\
                      ($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||\
                      ($.eventName=DetachGroupPolicy))}'",
            sent: Some(
                "({$.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||\
                 ($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||\
                 ($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||\
                 ($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||\
                 ($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||\
                 ($.eventName=DetachGroupPolicy))}",
            ),
            repaired: Some(
                "{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||\
                 ($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||\
                 ($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||\
                 ($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||\
                 ($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||\
                 ($.eventName=DetachGroupPolicy)}",
            ),
            defect: "The pattern opens with ({ and closes with ))}, so brace and parentheses interleave and it is not a \
                     valid JSON pattern; with {( and )} it is the audit literal.",
        }),
    },
    CisControl {
        id: "4.5",
        rule_name: "cloudwatch-alarm-cloudtrail-config-changes",
        accepted: &[audit(
            "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || \
             ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.6",
        rule_name: "cloudwatch-alarm-console-auth-failures",
        accepted: &[audit(r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#)],
        remediation: None,
    },
    CisControl {
        id: "4.7",
        rule_name: "cloudwatch-alarm-cmk-disable-or-deletion",
        accepted: &[audit(
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion)) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.8",
        rule_name: "cloudwatch-alarm-s3-bucket-policy-changes",
        accepted: &[audit(
            "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || \
             ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || \
             ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || \
             ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
        )],
        remediation: Some(RemediationDefect {
            printed: "'{ ($.eventName = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || \
                      ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = \
                      PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || \
                      ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }'",
            sent: Some(
                "{ ($.eventName = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || \
                 ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = \
                 PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || \
                 ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
            ),
            repaired: None,
            defect: "It tests eventName where the audit tests eventSource, so every alternative asks eventName to hold \
                     two different values: the filter is accepted but never matches an event.",
        }),
    },
    CisControl {
        id: "4.9",
        rule_name: "cloudwatch-alarm-config-changes",
        accepted: &[audit(
            "{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||\
             ($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||\
             ($.eventName=PutConfigurationRecorder)) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.10",
        rule_name: "cloudwatch-alarm-security-group-changes",
        accepted: &[audit(
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || \
             ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || \
             ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || \
             ($.eventName = ModifySecurityGroupRules) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.11",
        rule_name: "cloudwatch-alarm-nacl-changes",
        accepted: &[audit(
            "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || \
             ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || \
             ($.eventName = ReplaceNetworkAclAssociation) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.12",
        rule_name: "cloudwatch-alarm-network-gateway-changes",
        accepted: &[audit(
            "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || \
             ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || \
             ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.13",
        rule_name: "cloudwatch-alarm-route-table-changes",
        accepted: &[audit(
            "{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || \
             ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || \
             ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }",
        )],
        remediation: Some(RemediationDefect {
            printed: "'{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || \
                      ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || \
                      ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) ' }",
            sent: None,
            repaired: Some(
                "{ ($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || \
                 ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || \
                 ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }",
            ),
            defect: "The closing quote stands before the brace, as in 4.3, and the command lacks the filter name and \
                     metric transformation the CLI requires; repaired, the pattern has no eventSource condition and is \
                     broader than the audit literal, which it covers.",
        }),
    },
    CisControl {
        id: "4.14",
        rule_name: "cloudwatch-alarm-vpc-changes",
        accepted: &[audit(
            "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || \
             ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || \
             ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || \
             ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || \
             ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
        )],
        remediation: None,
    },
    CisControl {
        id: "4.15",
        rule_name: "cloudwatch-alarm-organizations-changes",
        accepted: &[audit(
            r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
        )],
        remediation: None,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value as Json, json};

    fn p(text: &str) -> FilterPattern {
        FilterPattern::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"))
    }

    fn cond(selector: &str, test: Test) -> Expr {
        let steps = selector.trim_start_matches("$.").split('.').map(|f| Step::Field(f.into())).collect();
        Expr::Condition(Condition { selector: Selector(steps), test })
    }

    fn eq(selector: &str, value: &str) -> Expr {
        cond(selector, Test::Compare { op: Op::Eq, value: Value::String(value.into()) })
    }

    fn ne(selector: &str, value: &str) -> Expr {
        cond(selector, Test::Compare { op: Op::Ne, value: Value::String(value.into()) })
    }

    /// An accepted pattern: `"4.5"` is the audit literal, `"4.2b"` the second accepted pattern of 4.2.
    fn cis(key: &str) -> &'static str {
        let (id, index) = match key.strip_suffix('b') {
            Some(id) => (id, 1),
            None => (key.strip_suffix('a').unwrap_or(key), 0),
        };
        cis_control(id).unwrap().accepted[index].pattern
    }

    fn remediation(id: &str) -> RemediationDefect {
        cis_control(id).unwrap().remediation.unwrap()
    }

    fn replaced(text: &str, from: &str, to: &str) -> String {
        assert!(text.contains(from), "{from} not in {text}");
        text.replace(from, to)
    }

    // ---- parsing ------------------------------------------------------------------------------

    #[test]
    fn every_accepted_and_repaired_cis_pattern_parses() {
        assert_eq!(CIS_CONTROLS.len(), 15);
        for (i, control) in CIS_CONTROLS.iter().enumerate() {
            assert_eq!(control.id, format!("4.{}", i + 1));
            assert!(control.rule_name.starts_with("cloudwatch-alarm-") && control.rule_name.len() <= 60);
            assert_eq!(control.references().count(), control.accepted.len(), "{}", control.id);
            for accepted in control.accepted {
                assert!(accepted.pattern.len() <= 1024);
                assert_eq!(accepted.source == PatternSource::Project, !accepted.note.is_empty() && control.id == "4.1");
            }
            if let Some(r) = control.remediation.and_then(|d| d.repaired) {
                p(r);
            }
        }
        let with_defects: Vec<_> = CIS_CONTROLS.iter().filter(|c| c.remediation.is_some()).map(|c| c.id).collect();
        assert_eq!(with_defects, ["4.1", "4.3", "4.4", "4.8", "4.13"]);
        assert!(cis_control("4.16").is_none());
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let (e1, e2) = (eq("errorCode", "*UnauthorizedOperation"), eq("errorCode", "AccessDenied*"));
        let (s, n) = (ne("sourceIPAddress", "delivery.logs.amazonaws.com"), ne("eventName", "HeadBucket"));
        let literal = p(cis("4.1"));
        assert_eq!(literal.expr(), &Expr::Or(vec![e1.clone(), Expr::And(vec![e2.clone(), s.clone(), n.clone()])]));
        let grouped = p(cis_control("4.1").unwrap().accepted[1].pattern);
        assert_eq!(grouped.expr(), &Expr::And(vec![Expr::Or(vec![e1, e2]), s, n]));

        let route = p(cis("4.13"));
        let Expr::Or(alternatives) = route.expr() else { panic!("{route}") };
        assert_eq!(alternatives.len(), 7);
        assert_eq!(
            alternatives[0],
            Expr::And(vec![eq("eventSource", "ec2.amazonaws.com"), eq("eventName", "CreateRoute")])
        );
        assert_eq!(alternatives[1], eq("eventName", "CreateRouteTable"));

        assert_eq!(
            p("{ $.a = 1 || $.b = 2 && $.c = 3 || $.d = 4 }").to_string(),
            r#"{ $.a = 1 || ($.b = 2 && $.c = 3) || $.d = 4 }"#
        );
    }

    #[test]
    fn parses_every_condition_form() {
        let pattern = p(r#" { $.a.b[0][12].c-d_e = "x \" \\ y" && $.n >= -1.5e3 && $.m < .5 && $.k != +7
            && $.u IS NULL && $.v NOT EXISTS && $.w IS TRUE && $.x IS FALSE && $.r = %^ab[0-9]+$% && $.q = 123.123.* } "#);
        let Expr::And(conditions) = pattern.expr() else { panic!() };
        let tests: Vec<_> = conditions
            .iter()
            .map(|c| match c {
                Expr::Condition(c) => c.test.clone(),
                other => panic!("{other}"),
            })
            .collect();
        assert_eq!(
            tests,
            [
                Test::Compare { op: Op::Eq, value: Value::String(r#"x " \ y"#.into()) },
                Test::Compare { op: Op::Ge, value: Value::Number(-1500.0) },
                Test::Compare { op: Op::Lt, value: Value::Number(0.5) },
                Test::Compare { op: Op::Ne, value: Value::Number(7.0) },
                Test::IsNull,
                Test::NotExists,
                Test::IsTrue,
                Test::IsFalse,
                Test::Compare { op: Op::Eq, value: Value::Regex("^ab[0-9]+$".into()) },
                Test::Compare { op: Op::Eq, value: Value::String("123.123.*".into()) },
            ]
        );
        let Expr::Condition(first) = &conditions[0] else { panic!() };
        assert_eq!(first.selector.to_string(), "$.a.b[0][12].c-d_e");
        assert_eq!(
            first.selector.0,
            [
                Step::Field("a".into()),
                Step::Field("b".into()),
                Step::Index(0),
                Step::Index(12),
                Step::Field("c-d_e".into())
            ]
        );
        assert_eq!(
            pattern.to_string(),
            r#"{ $.a.b[0][12].c-d_e = "x \" \\ y" && $.n >= -1500 && $.m < 0.5 && $.k != 7 && $.u IS NULL && $.v NOT EXISTS && $.w IS TRUE && $.x IS FALSE && $.r = %^ab[0-9]+$% && $.q = "123.123.*" }"#
        );
    }

    #[test]
    fn quoting_whitespace_and_redundant_parentheses_do_not_change_the_tree() {
        let forms = [
            r#"{ $.userIdentity.type = "Root" }"#,
            "{$.userIdentity.type=Root}",
            "  {\t(( $.userIdentity.type =\n Root ))}\n",
            r#"{(($.userIdentity.type="Root"))}"#,
        ];
        for form in forms {
            assert_eq!(p(form), p(forms[0]), "{form}");
        }
        // A quoted number is a string; a bare one is a number.
        assert_eq!(p(r#"{ $.a = "5" }"#).expr(), &eq("a", "5"));
        assert_eq!(p("{ $.a = 5 }").expr(), &cond("a", Test::Compare { op: Op::Eq, value: Value::Number(5.0) }));
        assert_eq!(p("{ $.a = 5.0 }"), p("{ $.a = +5e0 }"));
        for string in ["1.2.3", "5x", "e5", "1e", "+", "-", ".", "0x10", "1_000", "inf", "NaN"] {
            assert_eq!(p(&format!("{{ $.a = {string} }}")).expr(), &eq("a", string), "{string}");
        }
    }

    #[test]
    fn malformed_patterns_are_errors_naming_where_they_failed() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "empty pattern"),
            ("   ", 0, "empty pattern"),
            (r#"ConsoleLogin "Failed authentication""#, 0, "not a JSON filter pattern"),
            ("[ip, user, ...]", 0, "not a JSON filter pattern"),
            ("%ERROR%", 0, "not a JSON filter pattern"),
            ("{}", 1, "expected a condition"),
            ("{ () }", 3, "expected a condition"),
            ("{ $.a = 1", 9, "missing closing `}`"),
            ("{ $.a = 1 } x", 12, "after the closing `}`"),
            ("{ $.a = 1 }}", 11, "after the closing `}`"),
            ("{ $.a = 1 )", 10, "expected `&&`, `||` or `}`"),
            ("{ ($.a = 1 }", 11, "expected `&&`, `||` or `)`"),
            ("{ ($.a = 1", 10, "missing closing `)`"),
            ("{ $.a = 1 && }", 13, "expected a condition"),
            ("{ $.a = 1 ||", 12, "unexpected end of pattern"),
            ("{ $.a = 1 & $.b = 2 }", 10, "expected `&&`"),
            ("{ $.a = 1 | $.b = 2 }", 10, "expected `||`"),
            ("{ $.a ! 1 }", 6, "expected `!=`"),
            ("{ $.a == 1 }", 7, "expected a value after `=`, found `=`"),
            ("{ $.a = }", 8, "expected a value after `=`, found `}`"),
            ("{ $.a =", 6, "expected a value after `=`"),
            ("{ $.a }", 6, "expected an operator"),
            ("{ $.a", 5, "expected an operator"),
            ("{ $.a Root }", 6, "expected an operator"),
            ("{ $.a is null }", 6, "expected an operator"),
            ("{ $.a IS }", 9, "expected NULL, TRUE or FALSE after IS"),
            ("{ $.a IS EMPTY }", 9, "expected NULL, TRUE or FALSE after IS"),
            ("{ $.a NOT NULL }", 10, "expected EXISTS after NOT"),
            ("{ $.a NOT", 6, "expected EXISTS after NOT"),
            ("{ $ = 1 }", 2, "`$` must be followed by a field"),
            ("{ $[0] = 1 }", 3, "array index must follow a field name"),
            ("{ $. = 1 }", 4, "expected a field name after `.`"),
            ("{ $.a[] = 1 }", 6, "expected an array index"),
            ("{ $.a[x] = 1 }", 6, "expected an array index"),
            ("{ $.a[1 = 1 }", 7, "expected `]`"),
            ("{ $.a[99999999999] = 1 }", 6, "array index too large"),
            ("{ $.a = \"abc }", 8, "unterminated string"),
            ("{ $.a = \"abc\\", 8, "unterminated string"),
            ("{ $.a = \"a\\nb\" }", 10, "unsupported escape `\\n`"),
            ("{ $.a = %abc }", 8, "unterminated regular expression"),
            ("{ $.a = %% }", 8, "empty regular expression"),
            ("{ $.a < abc }", 8, "`<` compares numbers, found \"abc\""),
            ("{ $.a >= \"5\" }", 9, "`>=` compares numbers"),
            ("{ $.a > %5% }", 8, "`>` compares numbers"),
            ("{ $.a = 1e999 }", 8, "out of range"),
            ("{ $.a = x } { $.b = y }", 12, "after the closing `}`"),
            ("{ $.é = 1 }", 4, "expected a field name"),
            ("{ $.a = \"é\" && é }", 15, "expected a condition (`$.field ...`) or `(`, found `é`"),
        ];
        for &(text, position, message) in cases {
            let error = FilterPattern::parse(text).expect_err(text);
            assert_eq!(error.position, position, "{text}: {error}");
            assert!(error.message.contains(message), "{text}: {error}");
            assert!(error.to_string().starts_with(&format!("invalid filter pattern at character {}: ", position + 1)));
        }
        let deep = format!("{{ {}$.a = 1{} }}", "(".repeat(65), ")".repeat(65));
        assert!(FilterPattern::parse(&deep).unwrap_err().message.contains("nested more than 64 deep"));
        let ok = format!("{{ {}$.a = 1{} }}", "(".repeat(64), ")".repeat(64));
        assert_eq!(p(&ok), p("{ $.a = 1 }"));
        let long = format!("{{ $.a = 1 }} \"{}\"", "x".repeat(100));
        let message = FilterPattern::parse(&long).unwrap_err().message;
        assert_eq!(message, format!("unexpected `\"{}…` after the closing `}}`", "x".repeat(39)));
        assert_eq!("{ $.a = 1 }".parse::<FilterPattern>(), Ok(p("{ $.a = 1 }")));
    }

    #[test]
    fn printing_parses_back_to_the_same_tree() {
        for control in &CIS_CONTROLS {
            for reference in control.references() {
                assert_eq!(p(&reference.to_string()), reference);
                assert_eq!(p(&reference.canonical().to_string()), reference.canonical());
            }
        }
    }

    // ---- canonical form and token equality (the research's tiers T1 and T2) --------------------

    #[test]
    fn canonical_form_ignores_operand_order_grouping_and_quoting() {
        assert_eq!(
            p(cis("4.3")).canonical().to_string(),
            r#"{ $.eventType != "AwsServiceEvent" && $.userIdentity.invokedBy NOT EXISTS && $.userIdentity.type = "Root" }"#
        );
        assert_eq!(
            p(cis("4.1")).canonical().to_string(),
            r#"{ $.errorCode = "*UnauthorizedOperation" || ($.errorCode = "AccessDenied*" && $.eventName != "HeadBucket" && $.sourceIPAddress != "delivery.logs.amazonaws.com") }"#
        );
        let grouped = p(cis_control("4.1").unwrap().accepted[1].pattern);
        assert_ne!(grouped.canonical(), p(cis("4.1")).canonical());
        assert_eq!(
            p("{ ($.a = 1 && $.b = 2) && ($.a = 1 || $.a = 1) }").canonical(),
            p("{ $.b = 2 && $.a = 1 }").canonical()
        );
        assert_eq!(
            p("{ $.a = 1 || ($.b = 2 || $.c = 3) }").canonical(),
            p("{ ($.c = 3 || $.a = 1) || $.b = 2 }").canonical()
        );
        assert_eq!(p("{ $.a = 1 && $.a = 1 }").canonical(), p("{ $.a = 1 }"));
        // Distributing is not canonicalised: these are equal in meaning, not in form.
        assert_ne!(
            p("{ $.a = 1 && ($.b = 2 || $.c = 3) }").canonical(),
            p("{ ($.a = 1 && $.b = 2) || ($.a = 1 && $.c = 3) }").canonical()
        );
    }

    #[test]
    fn token_equality_ignores_only_whitespace() {
        assert!(same_tokens(cis("4.9"), &cis("4.9").replace(' ', "")));
        assert!(same_tokens(
            cis("4.3"),
            r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#
        ));
        assert!(!same_tokens(r#"{ $.a = "x" }"#, "{ $.a = x }"));
        assert!(!same_tokens("{ ($.a = x) }", "{ $.a = x }"));
        assert!(!same_tokens("{ $.a = x || $.b = y }", "{ $.b = y || $.a = x }"));
        assert!(!same_tokens("{ $.a = \"x }", "{ $.a = \"x }"));
        // Tokens, not grammar: a malformed but tokenizable text still compares.
        assert!(same_tokens("({ $.a = x))}", "({$.a=x))}"));
    }

    // ---- the research's 35 test cases (cis-4.md §3.6) -----------------------------------------

    /// (id, reference, account pattern, covers?)
    fn research_cases() -> Vec<(&'static str, String, String, bool)> {
        let rem_4_7 =
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)|| ($.eventName=ScheduleKeyDeletion)) }";
        let grouped = cis_control("4.1").unwrap().accepted[1].pattern;
        let s = |x: &str| x.to_string();
        let strip_brace = |x: &str| x.trim_end().strip_suffix('}').unwrap().to_string();
        vec![
            (
                "E1",
                s(cis("4.3")),
                s(
                    r#"{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}"#,
                ),
                true,
            ),
            (
                "E2",
                s(cis("4.3")),
                s(
                    r#"{ ($.eventType != "AwsServiceEvent") && (($.userIdentity.invokedBy NOT EXISTS) && ($.userIdentity.type = Root)) }"#,
                ),
                true,
            ),
            (
                "E3",
                s(cis("4.5")),
                s(
                    r#"{ $.eventName = "StopLogging" || $.eventName = "StartLogging" || $.eventName = "DeleteTrail" || $.eventName = "UpdateTrail" || $.eventName = "CreateTrail" }"#,
                ),
                true,
            ),
            ("E4", s(cis("4.7")), s(rem_4_7), true),
            ("E5", s(cis("4.9")), cis("4.9").replace(' ', ""), true),
            ("E6", s(cis("4.15")), cis("4.15").replace('"', ""), true),
            (
                "E7",
                s(cis("4.1")),
                s(
                    r#"{ ($.errorCode = "*UnauthorizedOperation") || (($.errorCode = "AccessDenied*") && ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket")) }"#,
                ),
                true,
            ),
            ("B1", s(cis("4.5")), strip_brace(cis("4.5")) + "|| ($.eventName = PutEventSelectors) }", true),
            (
                "B2",
                s(cis("4.5")),
                s("{ $.eventName = *Trail || $.eventName = StartLogging || $.eventName = StopLogging }"),
                true,
            ),
            ("B3", s(cis("4.7")), s("{ $.eventSource = kms.amazonaws.com }"), true),
            ("B4", s(cis("4.7")), s("{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }"), true),
            ("B5", s(cis("4.3")), s(r#"{ $.userIdentity.type = "Root" }"#), true),
            ("B6", s(cis("4.6")), s(r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed*") }"#), true),
            ("B7", s(cis("4.6")), s("{ $.eventName = ConsoleLogin && $.errorMessage = * }"), true),
            ("B8", s(cis("4.2b")), s(cis("4.2a")), true),
            (
                "B9",
                s(cis("4.2b")),
                s(
                    r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") }"#,
                ),
                true,
            ),
            (
                "B10",
                s(cis("4.1")),
                s(r#"{ $.errorCode = "*UnauthorizedOperation" || $.errorCode = "AccessDenied*" }"#),
                true,
            ),
            ("B11", s(cis("4.13")), s(remediation("4.13").repaired.unwrap()), true),
            ("B12", s(cis("4.1")), s("{ $.errorCode = * }"), true),
            ("N1", s(cis("4.10")), replaced(cis("4.10"), " || ($.eventName = ModifySecurityGroupRules)", ""), false),
            ("N2", s(cis("4.4")), replaced(cis("4.4"), "($.eventName=AttachRolePolicy) || ", ""), false),
            ("N3", s(cis("4.8")), s(remediation("4.8").sent.unwrap()), false),
            ("N4", s(cis("4.5")), replaced(cis("4.5"), "CreateTrail", "createtrail"), false),
            (
                "N5",
                s(cis("4.5")),
                replaced(cis("4.5"), "$.eventName = CreateTrail", "$.eventSource = CreateTrail"),
                false,
            ),
            (
                "N6",
                s(cis("4.6")),
                s(r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication.") }"#),
                false,
            ),
            (
                "N7",
                s(cis("4.3")),
                s(
                    r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" && $.sourceIPAddress != "203.0.113.7" }"#,
                ),
                false,
            ),
            ("N8", s(cis("4.1")), s(grouped), false),
            ("N9", s(cis("4.2b")), strip_brace(cis("4.2b")) + r#"&& ($.userIdentity.userName = "alice") }"#, false),
            ("N10", s(cis("4.2a")), s(cis("4.2b")), false),
            ("N11", s(cis("4.4")), s(remediation("4.4").sent.unwrap()), false),
            ("N12", s(cis("4.6")), s(r#"ConsoleLogin "Failed authentication""#), false),
            ("N13", s(cis("4.7")), s("{ ($.eventSource = kms.amazonaws.com) && ($.eventName = Disable*) }"), false),
            ("N14", s(remediation("4.13").repaired.unwrap()), s(cis("4.13")), false),
            (
                "N15",
                s(cis("4.3")),
                s(
                    r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy = * && $.eventType != "AwsServiceEvent" }"#,
                ),
                false,
            ),
            (
                "N16",
                s(cis("4.1")),
                s(r#"{ $.errorCode = %UnauthorizedOperation$% || $.errorCode = "AccessDenied*" }"#),
                false,
            ),
        ]
    }

    /// Fail closed: an account pattern that does not parse covers nothing.
    fn account_covers(account: &str, reference: &str) -> bool {
        FilterPattern::parse(account).is_ok_and(|a| a.covers(&p(reference)))
    }

    #[test]
    fn research_cases_behave_as_expected() {
        let cases = research_cases();
        assert_eq!(cases.len(), 35);
        for (id, reference, account, expected) in &cases {
            assert_eq!(account_covers(account, reference), *expected, "{id}: {account}");
        }
    }

    #[test]
    fn research_cases_match_at_the_expected_tier() {
        // T1: same tokens; T2: same canonical form; T3: coverage only.
        let tiers = [("E1", 1), ("E2", 2), ("E3", 2), ("E4", 1), ("E5", 1), ("E6", 2), ("E7", 2)];
        for (id, reference, account, expected) in research_cases() {
            let tier = if same_tokens(&account, &reference) {
                1
            } else if FilterPattern::parse(&account).is_ok_and(|a| a.canonical() == p(&reference).canonical()) {
                2
            } else if expected {
                3
            } else {
                0
            };
            let want = tiers.iter().find(|(t, _)| *t == id).map_or(if expected { 3 } else { 0 }, |(_, n)| *n);
            assert_eq!(tier, want, "{id}");
        }
    }

    #[test]
    fn coverage_says_what_is_missed() {
        let old_4_10 = p(&replaced(cis("4.10"), " || ($.eventName = ModifySecurityGroupRules)", ""));
        assert_eq!(
            old_4_10.coverage(&p(cis("4.10"))),
            Coverage::Misses(p(r#"{ $.eventName = "ModifySecurityGroupRules" }"#))
        );
        let grouped = p(cis_control("4.1").unwrap().accepted[1].pattern);
        assert_eq!(
            grouped.coverage(&p(cis("4.1"))),
            Coverage::Misses(p(r#"{ $.errorCode = "*UnauthorizedOperation" }"#))
        );
        assert_eq!(
            p(cis("4.13")).coverage(&p(remediation("4.13").repaired.unwrap())),
            Coverage::Misses(p("{ $.eventName = CreateRoute }"))
        );
        let nothing = p(remediation("4.8").sent.unwrap());
        assert_eq!(nothing.coverage(&p(cis("4.8"))), Coverage::MatchesNothing);
        assert_eq!(nothing.coverage(&nothing), Coverage::MatchesNothing);
        // 13 binary alternatives joined by && expand to 8,192 conjunctions: too many, not covered.
        let huge = format!("{{ {} }}", ["($.a = 1 || $.b = 2)"; 13].join(" && "));
        assert_eq!(p(&huge).coverage(&p("{ $.a = 1 }")), Coverage::TooComplex);
        assert_eq!(p("{ $.a = 1 }").coverage(&p(&huge)), Coverage::TooComplex);
        let fine = format!("{{ {} }}", ["($.a = 1 || $.b = 2)"; 12].join(" && "));
        assert!(p(&fine).covers(&p(&fine)));
    }

    // ---- the CIS references -------------------------------------------------------------------

    fn mirrored(expr: &Expr) -> Expr {
        match expr {
            Expr::Condition(_) => expr.clone(),
            Expr::And(xs) => Expr::And(xs.iter().rev().map(mirrored).collect()),
            Expr::Or(xs) => Expr::Or(xs.iter().rev().map(mirrored).collect()),
        }
    }

    /// The expression with every condition and group in parentheses, without spaces around
    /// operators, and with string values bare wherever a bare token reads the same.
    fn rewritten(expr: &Expr, parens: bool, bare: bool) -> String {
        let value = |v: &Value| match v {
            Value::String(s)
                if bare
                    && !s.is_empty()
                    && !s.starts_with(['$', '%'])
                    && !s.chars().any(is_delimiter)
                    && !is_number(s) =>
            {
                s.clone()
            }
            other => other.to_string(),
        };
        let text = match expr {
            Expr::Condition(c) => match &c.test {
                Test::Compare { op, value: v } => format!("{}{op}{}", c.selector, value(v)),
                _ => c.to_string(),
            },
            Expr::And(xs) | Expr::Or(xs) => {
                let joiner = if matches!(expr, Expr::And(_)) { "&&" } else { "||" };
                let parts: Vec<_> = xs
                    .iter()
                    .map(|x| match x {
                        Expr::Condition(_) => rewritten(x, parens, bare),
                        _ => format!("({})", rewritten(x, parens, bare)),
                    })
                    .collect();
                parts.join(joiner)
            }
        };
        if parens { format!("({text})") } else { text }
    }

    fn upper_values(expr: &Expr) -> Expr {
        match expr {
            Expr::Condition(Condition { selector, test: Test::Compare { op, value: Value::String(s) } }) => {
                Expr::Condition(Condition {
                    selector: selector.clone(),
                    test: Test::Compare { op: *op, value: Value::String(s.to_uppercase()) },
                })
            }
            Expr::Condition(_) => expr.clone(),
            Expr::And(xs) => Expr::And(xs.iter().map(upper_values).collect()),
            Expr::Or(xs) => Expr::Or(xs.iter().map(upper_values).collect()),
        }
    }

    fn renamed_fields(expr: &Expr) -> Expr {
        match expr {
            Expr::Condition(c) => {
                let mut c = c.clone();
                if let Some(Step::Field(name)) = c.selector.0.last_mut() {
                    name.push('X');
                }
                Expr::Condition(c)
            }
            Expr::And(xs) => Expr::And(xs.iter().map(renamed_fields).collect()),
            Expr::Or(xs) => Expr::Or(xs.iter().map(renamed_fields).collect()),
        }
    }

    fn pattern(expr: Expr) -> FilterPattern {
        FilterPattern { expr }
    }

    fn alternatives(reference: &FilterPattern) -> Vec<FilterPattern> {
        dnf(reference.expr()).unwrap().iter().map(|c| conjunct_pattern(c)).collect()
    }

    #[test]
    fn each_cis_reference_covers_itself_and_its_equivalent_rewrites() {
        for control in &CIS_CONTROLS {
            for (accepted, reference) in control.accepted.iter().zip(control.references()) {
                let id = control.id;
                assert!(reference.covers(&reference), "{id}");
                assert!(control.covered_by(&reference).is_some(), "{id}");
                let rewrites = [
                    accepted.pattern.to_string(),
                    reference.to_string(),
                    reference.canonical().to_string(),
                    pattern(mirrored(reference.expr())).to_string(),
                    format!("{{{}}}", rewritten(reference.expr(), true, false)),
                    format!("{{{}}}", rewritten(reference.expr(), false, true)),
                    format!(" {{ ( {} ) }} ", rewritten(reference.expr(), true, true)),
                    pattern(Expr::Or(alternatives(&reference).into_iter().map(|a| a.expr).collect())).to_string(),
                ];
                for rewrite in &rewrites {
                    let rewrite = p(rewrite);
                    assert!(rewrite.covers(&reference), "{id}: {rewrite}");
                    assert!(reference.covers(&rewrite), "{id}: {rewrite}");
                }
                for rewrite in &rewrites[..7] {
                    assert_eq!(p(rewrite).canonical(), reference.canonical(), "{id}: {rewrite}");
                }
            }
        }
    }

    #[test]
    fn broader_patterns_cover_the_cis_references() {
        for control in &CIS_CONTROLS {
            let reference = control.references().next().unwrap();
            let id = control.id;
            let extra = p(r#"{ $.eventName = "GetCallerIdentity" }"#);
            let wider = FilterPattern::any_of([&reference, &extra]).unwrap();
            assert!(wider.covers(&reference), "{id}");
            assert_eq!(control.covered_by(&wider), Some(&control.accepted[0]), "{id}");
            // Dropping one condition from an alternative widens it.
            for (i, alternative) in alternatives(&reference).iter().enumerate() {
                if let Expr::And(conditions) = alternative.expr() {
                    for skip in 0..conditions.len() {
                        let mut rest = alternatives(&reference);
                        let mut kept = conditions.clone();
                        kept.remove(skip);
                        rest[i] = pattern(if kept.len() == 1 { kept.remove(0) } else { Expr::And(kept) });
                        let wider = FilterPattern::any_of(&rest).unwrap();
                        assert!(wider.covers(&reference), "{id}: {wider}");
                        assert!(!reference.covers(&wider) || id == "4.1", "{id}: {wider}");
                    }
                }
            }
        }
        // Filters that together cover a control (several alarmed filters, research case U1).
        let first = p("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }");
        let second = p("{ ($.eventName = StartLogging) || ($.eventName = StopLogging) }");
        let control = cis_control("4.5").unwrap();
        assert_eq!(control.covered_by(&first), None);
        assert_eq!(control.covered_by(&second), None);
        assert!(control.covered_by(&FilterPattern::any_of([&first, &second]).unwrap()).is_some());
        assert_eq!(FilterPattern::any_of([&first]), Some(first.clone()));
        assert_eq!(FilterPattern::any_of(std::iter::empty::<&FilterPattern>()), None);
    }

    #[test]
    fn narrower_or_wrong_patterns_do_not_cover_the_cis_references() {
        let tag = p(r#"{ $.recipientAccountId = "111122223333" }"#);
        for control in &CIS_CONTROLS {
            let id = control.id;
            for reference in control.references() {
                let none = |candidate: &FilterPattern| {
                    assert!(control.covered_by(candidate).is_none(), "{id}: {candidate}");
                };
                // One alternative left out.
                let all = alternatives(&reference);
                if all.len() > 1 {
                    for skip in 0..all.len() {
                        let mut rest = all.clone();
                        rest.remove(skip);
                        let narrower = FilterPattern::any_of(&rest).unwrap();
                        assert!(!narrower.covers(&reference), "{id}: {narrower}");
                        if id != "4.1" {
                            none(&narrower);
                        }
                    }
                }
                // A condition added to every alternative.
                let narrower = pattern(Expr::And(vec![reference.expr().clone(), tag.expr().clone()]));
                assert!(!narrower.covers(&reference), "{id}: {narrower}");
                none(&narrower);
                // Other letter case, other fields.
                none(&pattern(upper_values(reference.expr())));
                none(&pattern(renamed_fields(reference.expr())));
                // Negated. (Negating a disjunction of equalities on one field gives a disjunction
                // of inequalities that holds for nearly every event, which rightly covers it.)
                if !matches!(reference.expr(), Expr::Or(_)) {
                    none(&p(&reference.to_string().replace(" = ", " != ")));
                }
            }
        }
    }

    #[test]
    fn no_cis_reference_covers_another_control() {
        for a in &CIS_CONTROLS {
            for b in &CIS_CONTROLS {
                if a.id != b.id {
                    for reference in a.references() {
                        assert!(b.covered_by(&reference).is_none(), "{} covers {}", a.id, b.id);
                    }
                }
            }
        }
    }

    #[test]
    fn cis_4_1_precedence_and_variants() {
        let control = cis_control("4.1").unwrap();
        let literal = p(cis("4.1"));
        let grouped = p(control.accepted[1].pattern);
        // The literal as AWS reads it is broader than the grouped form…
        assert!(literal.covers(&grouped));
        assert!(!grouped.covers(&literal));
        // …and both are accepted, each matching its own reference.
        assert_eq!(control.covered_by(&literal), Some(&control.accepted[0]));
        assert_eq!(control.covered_by(&grouped), Some(&control.accepted[1]));
        assert_eq!(control.accepted[1].source, PatternSource::Project);
        // Narrower than both: the exclusions applied to a narrower error code.
        let narrower = p(
            r#"{ ($.errorCode = "Client.UnauthorizedOperation" || $.errorCode = "AccessDenied*") && $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }"#,
        );
        assert_eq!(control.covered_by(&narrower), None);
        // An extra exclusion that still lets every reference event through is fine: an event
        // whose errorCode is `AccessDenied…` cannot have the errorCode `Throttling`.
        let with_exclusion = p(&replaced(cis("4.1"), "}", r#"&& ($.errorCode != "Throttling") }"#));
        assert_eq!(with_exclusion.canonical().to_string().matches("Throttling").count(), 1);
        assert!(with_exclusion.covers(&literal));
    }

    #[test]
    fn cis_4_2_variants() {
        let control = cis_control("4.2").unwrap();
        let (a, b) = (p(cis("4.2a")), p(cis("4.2b")));
        assert!(a.covers(&b) && !b.covers(&a));
        assert_eq!(control.covered_by(&a), Some(&control.accepted[0]));
        assert_eq!(control.covered_by(&b), Some(&control.accepted[1]));
        // Reordered and requoted (b).
        let b2 = p(
            r#"{ $.responseElements.ConsoleLogin = Success && $.userIdentity.type = IAMUser && $.additionalEventData.MFAUsed != Yes && $.eventName = ConsoleLogin }"#,
        );
        assert_eq!(b2.canonical(), b.canonical());
        assert_eq!(control.covered_by(&b2), Some(&control.accepted[1]));
        // MFAUsed = "No" in place of != "Yes" misses sign-ins where the field is absent.
        let no = p(r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed = "No") }"#);
        assert_eq!(control.covered_by(&no), None);
    }

    #[test]
    fn remediation_defects() {
        // 4.1: with the missing quote restored, the audit literal.
        let repaired = p(remediation("4.1").repaired.unwrap());
        assert_eq!(repaired, p(cis("4.1")));
        assert!(remediation("4.1").printed.starts_with("\"{ ($.errorCode =*Unauthorized"));
        // 4.3: the brace back inside the quotes; the audit literal.
        assert_eq!(p(remediation("4.3").repaired.unwrap()), p(cis("4.3")));
        assert!(FilterPattern::parse(remediation("4.3").printed.trim_start_matches('\'')).is_err());
        // 4.4: as sent, not a JSON pattern; repaired, the audit literal.
        let sent = remediation("4.4").sent.unwrap();
        assert_eq!(format!("'{sent}'"), remediation("4.4").printed);
        assert!(FilterPattern::parse(sent).unwrap_err().message.contains("not a JSON filter pattern"));
        assert_eq!(p(remediation("4.4").repaired.unwrap()), p(cis("4.4")));
        // 4.8: accepted by AWS, matches nothing.
        let sent = remediation("4.8").sent.unwrap();
        assert_eq!(format!("'{sent}'"), remediation("4.8").printed);
        assert_eq!(p(sent).coverage(&p(cis("4.8"))), Coverage::MatchesNothing);
        assert_eq!(remediation("4.8").repaired, None);
        // 4.13: repaired, broader than the audit literal.
        let repaired = p(remediation("4.13").repaired.unwrap());
        assert!(repaired.covers(&p(cis("4.13"))) && !p(cis("4.13")).covers(&repaired));
        assert_ne!(repaired.canonical(), p(cis("4.13")).canonical());
        for id in ["4.1", "4.3", "4.13"] {
            assert_eq!(remediation(id).sent, None, "{id}");
        }
    }

    // ---- implication details ----------------------------------------------------------------

    #[test]
    fn wildcards_are_reasoned_about_only_where_safe() {
        let covers = |a: &str, b: &str| p(a).covers(&p(b));
        assert!(covers("{ $.a = Event* }", "{ $.a = EventName }"));
        assert!(covers("{ $.a = *Name }", "{ $.a = EventName }"));
        assert!(covers("{ $.a = *ventNam* }", "{ $.a = EventName }"));
        assert!(covers("{ $.a = Ev* }", "{ $.a = Event* }"));
        assert!(covers("{ $.a = *ent* }", "{ $.a = Event* }"));
        assert!(covers("{ $.a = *ent* }", "{ $.a = *ents }"));
        assert!(covers("{ $.a = *en* }", "{ $.a = *vent* }"));
        assert!(covers("{ $.a = * }", "{ $.a = *vent* }"));
        assert!(covers("{ $.a = * }", "{ $.a = x }"));
        // Whether `*` matches the empty string is not documented: not assumed.
        assert!(!covers("{ $.a = Event* }", "{ $.a = Event }"));
        assert!(!covers("{ $.a = *Event }", "{ $.a = Event }"));
        assert!(!covers("{ $.a = *Event* }", "{ $.a = Event }"));
        assert!(!covers("{ $.a = *Ev* }", "{ $.a = Event* }"));
        assert!(!covers("{ $.a = * }", r#"{ $.a = "" }"#));
        // Narrower never covers broader.
        assert!(!covers("{ $.a = Event* }", "{ $.a = Ev* }"));
        assert!(!covers("{ $.a = *Event }", "{ $.a = Event* }"));
        assert!(!covers("{ $.a = x }", "{ $.a = * }"));
        // Opaque values: `*` inside, `**`, `?`, regular expressions: only the identical condition.
        for opaque in ["E*t", "**", "Ev?nt", "%Ev.nt%"] {
            let text = format!("{{ $.a = {opaque} }}");
            assert!(covers(&text, &text));
            assert!(!covers(&text, "{ $.a = Event }"), "{opaque}");
            assert!(!covers("{ $.a = * }", &text), "{opaque}");
        }
        // Case matters.
        assert!(!covers("{ $.a = event }", "{ $.a = Event }"));
        assert!(!covers("{ $.a = Event }", "{ $.a = event }"));
    }

    #[test]
    fn negations_and_unary_tests() {
        let covers = |a: &str, b: &str| p(a).covers(&p(b));
        assert!(covers("{ $.a != HeadBucket }", "{ $.a = ConsoleLogin }"));
        assert!(covers("{ $.a != Head* }", "{ $.a = ConsoleLogin }"));
        assert!(!covers("{ $.a != Console* }", "{ $.a = ConsoleLogin }"));
        assert!(!covers("{ $.a != *Login }", "{ $.a = Console* }"));
        assert!(covers("{ $.a != xy }", "{ $.a != x* }"));
        assert!(!covers("{ $.a != x* }", "{ $.a != xy }"));
        // An absent field: `!=` is not assumed to hold or to fail.
        assert!(!covers("{ $.a != x }", "{ $.a NOT EXISTS }"));
        assert!(!covers("{ $.a != x }", "{ $.b = y }"));
        assert!(!covers("{ $.a = * }", "{ $.a != x }"));
        assert!(!covers("{ $.a NOT EXISTS }", "{ $.a IS NULL }"));
        assert!(!covers("{ $.a = * }", "{ $.a IS NULL }"));
        assert!(covers("{ $.a IS NULL || $.a NOT EXISTS }", "{ $.a NOT EXISTS }"));
        // Numbers: `=` implies comparisons that hold; others only themselves.
        assert!(covers("{ $.n > 3 }", "{ $.n = 5 }"));
        assert!(covers("{ $.n >= 5 && $.n <= 5 && $.n != 4 }", "{ $.n = 5 }"));
        assert!(!covers("{ $.n > 5 }", "{ $.n = 5 }"));
        assert!(!covers("{ $.n > 3 }", "{ $.n > 4 }"));
        assert!(covers("{ $.n > 4 }", "{ $.n > 4 }"));
        assert!(!covers(r#"{ $.n = "5" }"#, "{ $.n = 5 }"));
        assert!(!covers("{ $.n = 5 }", r#"{ $.n = "5" }"#));
    }

    #[test]
    fn contradictions_match_nothing() {
        for text in [
            "{ $.a = x && $.a = y }",
            "{ $.a = x* && $.a = y* }",
            "{ $.a = *x && $.a = *y }",
            "{ $.a = xy && $.a != x* }",
            "{ $.a = x && $.a NOT EXISTS }",
            "{ $.a = * && $.a NOT EXISTS }",
            "{ $.a = x && $.a IS NULL }",
            "{ $.a IS TRUE && $.a IS FALSE }",
            "{ $.a IS NULL && $.a NOT EXISTS }",
            "{ $.n = 5 && $.n > 6 }",
            "{ $.n < 4 && $.n = 5 }",
            "{ $.n = 5 && $.n = 6 }",
        ] {
            assert_eq!(p(text).coverage(&p("{ $.z = 1 }")), Coverage::MatchesNothing, "{text}");
            // A contradictory alternative of the reference needs no covering.
            let reference = p(&format!("{{ $.b = 1 || ({}) }}", &text[1..text.len() - 1]));
            assert!(p("{ $.b = 1 }").covers(&reference), "{text}");
        }
        for text in [
            "{ $.a = x* && $.a = *y }",
            "{ $.a = x* && $.a = xy* }",
            "{ $.a = *x* && $.a = xyx }",
            "{ $.a = * && $.a IS NULL }",
            "{ $.a = x && $.a != y* }",
            "{ $.a = x && $.b = y }",
            "{ $.a != x && $.a NOT EXISTS }",
            r#"{ $.n = 5 && $.n = "6" }"#,
            "{ $.a = E*t && $.a = x }",
        ] {
            assert!(p(text).covers(&p(text)), "{text}");
        }
    }

    // ---- soundness against an interpreter --------------------------------------------------------

    /// One reading of what AWS leaves undocumented; the checker must be right under all of them.
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Reading {
        /// `*` matches the empty string (else at least one character).
        star_empty: bool,
        /// `!=` holds for an absent field.
        ne_absent: bool,
        /// Every `*` in a value is a wildcard (else only a leading or trailing one, and `*` alone).
        inner_star: bool,
    }

    const READINGS: [Reading; 8] = {
        let mut out = [Reading { star_empty: false, ne_absent: false, inner_star: false }; 8];
        let mut i = 0;
        while i < 8 {
            out[i] = Reading { star_empty: i & 1 != 0, ne_absent: i & 2 != 0, inner_star: i & 4 != 0 };
            i += 1;
        }
        out
    };

    fn glob(pattern: &[u8], text: &[u8], min: usize) -> bool {
        match pattern.split_first() {
            None => text.is_empty(),
            Some((b'*', rest)) => (min..=text.len()).any(|k| glob(rest, &text[k..], min)),
            Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..], min),
        }
    }

    fn string_matches(pattern: &str, text: &str, r: Reading) -> bool {
        let min = usize::from(!r.star_empty);
        if pattern == "*" {
            return text.len() >= min;
        }
        if r.inner_star {
            return glob(pattern.as_bytes(), text.as_bytes(), min);
        }
        let lead = pattern.len() > 1 && pattern.starts_with('*');
        let trail = pattern.len() > 1 && pattern.ends_with('*');
        let core = &pattern[usize::from(lead)..pattern.len() - usize::from(trail)];
        match (lead, trail) {
            (false, false) => text == core,
            _ => {
                let (before, after) = (if lead { min } else { 0 }, if trail { min } else { 0 });
                let fits = |i: usize| {
                    text.get(i..i + core.len()) == Some(core)
                        && (lead || i == 0)
                        && (trail || i + core.len() == text.len())
                        && i >= before
                        && text.len() - i - core.len() >= after
                };
                text.len() >= core.len() && (0..=text.len() - core.len()).any(fits)
            }
        }
    }

    fn resolve<'a>(event: &'a Json, selector: &Selector) -> Option<&'a Json> {
        selector.0.iter().try_fold(event, |v, step| match step {
            Step::Field(f) => v.get(f.as_str()),
            Step::Index(i) => v.get(*i as usize),
        })
    }

    fn holds(c: &Condition, event: &Json, r: Reading) -> bool {
        let v = resolve(event, &c.selector);
        match (&c.test, v) {
            (Test::NotExists, v) => v.is_none(),
            (Test::IsNull, v) => v == Some(&Json::Null),
            (Test::IsTrue, v) => v == Some(&Json::Bool(true)),
            (Test::IsFalse, v) => v == Some(&Json::Bool(false)),
            (Test::Compare { op, .. }, None) => *op == Op::Ne && r.ne_absent,
            (Test::Compare { .. }, Some(Json::Array(_) | Json::Object(_))) => false,
            (Test::Compare { op, value }, Some(v)) => {
                let positive = match value {
                    Value::String(s) => v.as_str().is_some_and(|t| string_matches(s, t, r)),
                    Value::Regex(re) => v.as_str().is_some_and(|t| t.contains(re.as_str())),
                    Value::Number(n) => {
                        return v.as_f64().map_or(*op == Op::Ne, |x| compare(*op, x, *n));
                    }
                };
                if *op == Op::Eq { positive } else { !positive }
            }
        }
    }

    fn matches(expr: &Expr, event: &Json, r: Reading) -> bool {
        match expr {
            Expr::Condition(c) => holds(c, event, r),
            Expr::And(xs) => xs.iter().all(|x| matches(x, event, r)),
            Expr::Or(xs) => xs.iter().any(|x| matches(x, event, r)),
        }
    }

    const FIELD_VALUES: [Option<fn() -> Json>; 12] = [
        None,
        Some(|| json!("x")),
        Some(|| json!("xy")),
        Some(|| json!("yx")),
        Some(|| json!("xyx")),
        Some(|| json!("")),
        Some(|| json!("x*y")),
        Some(|| Json::Null),
        Some(|| json!(true)),
        Some(|| json!(5)),
        Some(|| json!(7)),
        Some(|| json!([])),
    ];

    fn events() -> &'static [Json] {
        static EVENTS: std::sync::OnceLock<Vec<Json>> = std::sync::OnceLock::new();
        EVENTS.get_or_init(|| {
            let mut out = Vec::new();
            for a in FIELD_VALUES {
                for b in FIELD_VALUES {
                    let mut event = serde_json::Map::new();
                    if let Some(a) = a {
                        event.insert("a".into(), a());
                    }
                    if let Some(b) = b {
                        event.insert("b".into(), b());
                    }
                    out.push(Json::Object(event));
                }
            }
            out
        })
    }

    /// An event `b` matches and `a` does not, under some reading.
    fn counterexample(a: &FilterPattern, b: &FilterPattern) -> Option<(Json, Reading)> {
        READINGS.iter().find_map(|&r| {
            events().iter().find(|e| matches(b.expr(), e, r) && !matches(a.expr(), e, r)).map(|e| (e.clone(), r))
        })
    }

    const ATOM_TESTS: &[&str] = &[
        "= x",
        "= xy",
        "= x*",
        "= *x",
        "= *x*",
        "= *",
        "= x*y",
        "= y*",
        "= **",
        "= %y%",
        "!= x",
        "!= xy",
        "!= x*",
        "!= *x",
        "!= *x*",
        "!= *",
        "!= x*y",
        "!= y*",
        "= 5",
        "!= 5",
        "< 6",
        ">= 5",
        "> 7",
        "IS NULL",
        "NOT EXISTS",
        "IS TRUE",
    ];

    fn atoms() -> Vec<FilterPattern> {
        ["a", "b"].iter().flat_map(|f| ATOM_TESTS.iter().map(move |t| p(&format!("{{ $.{f} {t} }}")))).collect()
    }

    fn join(x: &FilterPattern, y: &FilterPattern, and: bool) -> FilterPattern {
        let operands = vec![x.expr().clone(), y.expr().clone()];
        pattern(if and { Expr::And(operands) } else { Expr::Or(operands) })
    }

    #[test]
    fn coverage_is_sound_on_a_small_universe() {
        // Which (reading, event) combinations each pattern matches, atoms evaluated once.
        let outcomes = |p: &FilterPattern| -> Vec<bool> {
            READINGS.iter().flat_map(|&r| events().iter().map(move |e| matches(p.expr(), e, r))).collect()
        };
        let atoms: Vec<_> = atoms().into_iter().map(|a| (outcomes(&a), a)).collect();
        let mut pairs = Vec::new();
        for (i, (mx, x)) in atoms.iter().enumerate() {
            for (my, y) in &atoms[i + 1..] {
                pairs.push((mx.iter().zip(my).map(|(a, b)| *a && *b).collect(), join(x, y, true)));
                pairs.push((mx.iter().zip(my).map(|(a, b)| *a || *b).collect(), join(x, y, false)));
            }
        }
        let mut covered = 0;
        let mut check = |(ma, a): &(Vec<bool>, FilterPattern), (mb, b): &(Vec<bool>, FilterPattern)| {
            if a.covers(b) {
                covered += 1;
                if let Some(i) = ma.iter().zip(mb).position(|(x, y)| *y && !*x) {
                    let (reading, event) = (READINGS[i / events().len()], &events()[i % events().len()]);
                    panic!("{a} claimed to cover {b}, but not {event} under {reading:?}");
                }
            }
        };
        for a in &atoms {
            for b in &atoms {
                check(a, b);
            }
            for b in &pairs {
                check(a, b);
                check(b, a);
            }
        }
        // Not vacuous: beyond the 52 atoms covering themselves, thousands of pairs are covered.
        assert!(covered > 14_000, "{covered}");
    }

    // ---- property tests ---------------------------------------------------------------------

    fn small_expr() -> impl Strategy<Value = Expr> {
        let atoms = atoms();
        let leaf = (0..atoms.len()).prop_map(move |i| atoms[i].expr().clone());
        leaf.prop_recursive(3, 10, 3, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
                prop::collection::vec(inner, 2..4).prop_map(Expr::Or),
            ]
        })
    }

    fn any_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            "\\PC*".prop_map(Value::String),
            any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(Value::Number),
            "[^%]{1,12}".prop_map(Value::Regex),
        ]
    }

    fn any_condition() -> impl Strategy<Value = Condition> {
        let step = prop_oneof![
            3 => "[A-Za-z0-9_@:-]{1,8}".prop_map(Step::Field),
            1 => any::<u32>().prop_map(Step::Index),
        ];
        let selector = ("[A-Za-z0-9_-]{1,8}", prop::collection::vec(step, 0..4)).prop_map(|(first, rest)| {
            let mut steps = vec![Step::Field(first)];
            steps.extend(rest);
            Selector(steps)
        });
        let op = prop_oneof![Just(Op::Eq), Just(Op::Ne), Just(Op::Lt), Just(Op::Le), Just(Op::Gt), Just(Op::Ge)];
        let test = prop_oneof![
            6 => (op, any_value()).prop_map(|(op, value)| match (op, value) {
                (Op::Eq | Op::Ne, value) => Test::Compare { op, value },
                (op, Value::Number(n)) => Test::Compare { op, value: Value::Number(n) },
                (op, _) => Test::Compare { op, value: Value::Number(-0.25) },
            }),
            1 => Just(Test::IsNull),
            1 => Just(Test::NotExists),
            1 => Just(Test::IsTrue),
            1 => Just(Test::IsFalse),
        ];
        (selector, test).prop_map(|(selector, test)| Condition { selector, test })
    }

    fn any_expr() -> impl Strategy<Value = Expr> {
        any_condition().prop_map(Expr::Condition).prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 2..5).prop_map(Expr::And),
                prop::collection::vec(inner, 2..5).prop_map(Expr::Or),
            ]
        })
    }

    /// Texts made of pattern fragments, to reach deep into the parser.
    fn fragments() -> impl Strategy<Value = String> {
        let fragment = prop_oneof![
            Just("{"),
            Just("}"),
            Just("("),
            Just(")"),
            Just("&&"),
            Just("||"),
            Just("&"),
            Just("|"),
            Just("="),
            Just("!="),
            Just("!"),
            Just("<"),
            Just(">="),
            Just("$"),
            Just("$.a"),
            Just("."),
            Just("[0]"),
            Just("["),
            Just("\""),
            Just("\\"),
            Just("%"),
            Just(" "),
            Just("IS"),
            Just("NULL"),
            Just("NOT"),
            Just("EXISTS"),
            Just("TRUE"),
            Just("*"),
            Just("x"),
            Just("5"),
            Just("-1e3"),
            Just("é"),
        ];
        prop::collection::vec(fragment, 0..40).prop_map(|parts| parts.concat())
    }

    proptest! {
        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = FilterPattern::parse(&text);
            let _ = same_tokens(&text, "{ $.a = 1 }");
        }

        #[test]
        fn parsing_fragments_never_panics_and_what_parses_round_trips(text in fragments()) {
            if let Ok(pattern) = FilterPattern::parse(&text) {
                prop_assert_eq!(p(&pattern.to_string()), pattern.clone());
                let _ = pattern.coverage(&pattern);
            }
        }

        #[test]
        fn printing_and_parsing_gives_the_same_tree(expr in any_expr()) {
            let pattern = FilterPattern { expr };
            let text = pattern.to_string();
            prop_assert_eq!(FilterPattern::parse(&text), Ok(pattern.clone()), "{}", text);
            let canonical = pattern.canonical();
            prop_assert_eq!(p(&canonical.to_string()).canonical(), canonical.clone());
            prop_assert_eq!(canonical.canonical(), canonical);
        }

        #[test]
        fn coverage_is_reflexive_and_sound(a in small_expr(), b in small_expr()) {
            let (a, b) = (pattern(a), pattern(b));
            match a.coverage(&a) {
                Coverage::Covered | Coverage::MatchesNothing => {}
                other => prop_assert!(false, "{} against itself: {:?}", a, other),
            }
            prop_assert!(a.canonical().covers(&a) == a.covers(&a.canonical()));
            let either = join(&a, &b, false);
            if a.covers(&b) {
                prop_assert_eq!(counterexample(&a, &b), None, "{} covers {}", a, b);
            }
            if b.covers(&b) {
                // Adding an alternative never loses coverage…
                prop_assert!(either.covers(&b), "{} / {}", either, b);
                // …and a condition on a field the reference never mentions always does.
                let tagged = join(&b, &p("{ $.z = 1 }"), true);
                prop_assert!(!tagged.covers(&b), "{}", tagged);
            }
            if a.covers(&b) && b.covers(&either) {
                prop_assert!(a.covers(&either));
            }
        }
    }
}
