//! `open_enum!`: string enums that survive values we have never seen.
//!
//! Mercado Libre adds statuses without notice; rejecting a whole question
//! because its status is new would hide it from the inbox. Unknown strings
//! land in `Other(raw)` and serialize back byte for byte, and known ones
//! serialize to the exact MeLi spelling.
//!
//! Prefixing the enum with `ignore_case;` also maps other spellings of a
//! known value to it (messaging writes `NON_MODERATED` and `non_moderated`,
//! `PERSONAL_DATA` and `personal_data`); those normalize to the listed
//! spelling.

macro_rules! open_enum {
    (
        ignore_case;
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        open_enum!(@enum $(#[$meta])* $name { $( $(#[$vmeta])* $variant => $text, )+ });

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )+
                    other => {
                        $( if other.eq_ignore_ascii_case($text) {
                            return Self::$variant;
                        } )+
                        Self::Other(other.to_owned())
                    }
                }
            }
        }
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        open_enum!(@enum $(#[$meta])* $name { $( $(#[$vmeta])* $variant => $text, )+ });

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }
    };
    (@enum
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this crate does not know yet, kept verbatim.
            Other(String),
        }

        impl $name {
            /// The exact string Mercado Libre uses for this value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(raw) => raw,
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match Self::from(s.as_str()) {
                    Self::Other(_) => Self::Other(s),
                    known => known,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map(Self::from)
            }
        }
    };
}

pub(crate) use open_enum;
