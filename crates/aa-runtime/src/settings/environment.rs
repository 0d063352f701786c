//! Which environment a service runs in, from `<PREFIX>_ENVIRONMENT`.

use std::fmt;
use std::str::FromStr;

/// The environment: it picks `<environment>.yaml`, the log format, and what is refused
/// (sandbox endpoints in production).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Environment {
    /// A developer's machine or a test (the default when the variable is unset).
    #[default]
    Local,
    /// A shared test ecosystem.
    Sandbox,
    Production,
}

impl Environment {
    pub const ALL: [Environment; 3] = [Self::Local, Self::Sandbox, Self::Production];

    /// The name used in `<PREFIX>_ENVIRONMENT` and as the file name `<name>.yaml`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }

    pub fn is_production(self) -> bool {
        self == Self::Production
    }

    /// Reads `<prefix>_ENVIRONMENT`: unset or empty is [`Environment::Local`]; anything but
    /// `local`, `sandbox` or `production` (any case) is refused, so a typo such as `prod`
    /// never starts a production service with local settings.
    pub fn from_env(prefix: &str) -> Result<Self, UnknownEnvironment> {
        let variable = format!("{prefix}_ENVIRONMENT");
        match std::env::var(&variable) {
            Ok(value) if !value.trim().is_empty() => value
                .parse()
                .map_err(|UnknownEnvironment { value, .. }| UnknownEnvironment { variable, value }),
            _ => Ok(Self::Local),
        }
    }
}

impl FromStr for Environment {
    type Err = UnknownEnvironment;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let wanted = value.trim();
        Self::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownEnvironment {
                variable: "environment".to_owned(),
                value: value.to_owned(),
            })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An environment name that is none of the three.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable} is {value:?}; it must be local, sandbox or production")]
pub struct UnknownEnvironment {
    pub variable: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_three_names_parse_in_any_case() {
        assert_eq!("local".parse::<Environment>(), Ok(Environment::Local));
        assert_eq!("Sandbox".parse::<Environment>(), Ok(Environment::Sandbox));
        assert_eq!(
            " PRODUCTION ".parse::<Environment>(),
            Ok(Environment::Production)
        );
        for environment in Environment::ALL {
            assert_eq!(environment.as_str().parse::<Environment>(), Ok(environment));
        }
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_variable_and_the_choices() {
        // Prefixes no other test uses, so setting the variables races with nothing.
        std::env::set_var("ENVTESTA_ENVIRONMENT", "prod");
        let error = Environment::from_env("ENVTESTA").unwrap_err();
        assert_eq!(
            error.to_string(),
            "ENVTESTA_ENVIRONMENT is \"prod\"; it must be local, sandbox or production"
        );
    }

    #[test]
    fn unset_or_empty_means_local() {
        assert_eq!(
            Environment::from_env("ENVTESTUNSET"),
            Ok(Environment::Local)
        );
        std::env::set_var("ENVTESTB_ENVIRONMENT", "");
        assert_eq!(Environment::from_env("ENVTESTB"), Ok(Environment::Local));
        std::env::set_var("ENVTESTC_ENVIRONMENT", "sandbox");
        assert_eq!(Environment::from_env("ENVTESTC"), Ok(Environment::Sandbox));
    }
}
