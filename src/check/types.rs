//! Fastly's implicit conversions (catalog section 2): what may be assigned to what, which
//! compound operators apply, what a function parameter accepts, and what counts as a
//! condition.

use crate::catalog::Type;
use crate::syntax::ast::AssignOp;

/// How a value may be assigned: `Always`, from variables only (a literal of that type is
/// rejected, as Fastly's compiler does), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compat {
    Always,
    VariableOnly,
    Never,
}

/// `set TARGET = VALUE` compatibility.
pub fn assign(target: Type, value: Type) -> Compat {
    use Compat::*;
    use Type::*;
    if target == value {
        return Always;
    }
    match (target, value) {
        (Integer, Float | Rtime | Time) => VariableOnly,
        (Float, Integer) => Always,
        (Float, Rtime | Time) => VariableOnly,
        (String, Bool) => Always,
        (String, Integer | Float | Rtime | Time | Ip | Backend) => VariableOnly,
        (Rtime, Time) | (Time, Rtime) => Always,
        (Rtime | Time, Integer | Float) => VariableOnly,
        (Ip, String) => Always,
        (Regex, String) => Always,
        _ => Never,
    }
}

/// Compound assignment (`+=`, `*=`, ...) compatibility; `=` goes through [`assign`].
pub fn compound(op: AssignOp, target: Type, value: Type) -> Compat {
    use Compat::*;
    use Type::*;
    match op {
        AssignOp::Assign => assign(target, value),
        AssignOp::Add | AssignOp::Sub => match (target, value) {
            (String, _) if op == AssignOp::Add => {
                if stringifies(value) {
                    Always
                } else {
                    Never
                }
            }
            (Integer, Integer) => Always,
            (Integer, Float | Rtime | Time) => VariableOnly,
            (Float, Integer | Float) => Always,
            (Float, Rtime | Time) => VariableOnly,
            (Rtime, Rtime) => Always,
            (Rtime, Integer | Float | Time) => VariableOnly,
            (Time, Rtime) => Always,
            (Time, Integer | Float) => VariableOnly,
            _ => Never,
        },
        AssignOp::Mul | AssignOp::Div | AssignOp::Rem => match (target, value) {
            (Integer, Integer) => Always,
            (Integer, Float) => VariableOnly,
            (Float | Rtime, Integer | Float) => Always,
            _ => Never,
        },
        AssignOp::BitOr
        | AssignOp::BitAnd
        | AssignOp::BitXor
        | AssignOp::Shl
        | AssignOp::Shr
        | AssignOp::Rol
        | AssignOp::Ror => {
            if target == Integer && value == Integer {
                Always
            } else {
                Never
            }
        }
        AssignOp::And | AssignOp::Or => {
            if target == Bool && value == Bool {
                Always
            } else {
                Never
            }
        }
    }
}

/// Whether a value of this type converts to STRING implicitly.
pub fn stringifies(ty: Type) -> bool {
    !matches!(ty, Type::Acl | Type::Id | Type::Regex | Type::Void)
}

/// Whether an argument of type `arg` is accepted by a parameter of type `param`
/// (falco's coercion table, keyed by the parameter type).
pub fn argument(param: Type, arg: Type) -> bool {
    use Type::*;
    if param == arg {
        return true;
    }
    match param {
        String => stringifies(arg) || arg == Id,
        Time => arg == String,
        Rtime => matches!(arg, Time | String),
        Ip => arg == String,
        Id => arg == String,
        Float => arg == Integer,
        Regex => arg == String,
        // `lacquer test`: test-framework parameters take any value (`assert.equal`).
        Any => true,
        _ => false,
    }
}

/// Whether a value can be tested by `if`, `!`, `&&` and `||`: a BOOL, or a STRING or IP
/// tested for being set.
pub fn is_condition(ty: Type) -> bool {
    matches!(ty, Type::Bool | Type::String | Type::Ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_matrix_follows_the_catalog() {
        assert_eq!(assign(Type::String, Type::Integer), Compat::VariableOnly);
        assert_eq!(assign(Type::Float, Type::Integer), Compat::Always);
        assert_eq!(assign(Type::Bool, Type::String), Compat::Never);
        assert_eq!(assign(Type::Ip, Type::String), Compat::Always);
        assert_eq!(compound(AssignOp::Add, Type::Time, Type::Rtime), Compat::Always);
        assert_eq!(compound(AssignOp::Shl, Type::Float, Type::Integer), Compat::Never);
        assert_eq!(compound(AssignOp::Or, Type::Bool, Type::Bool), Compat::Always);
    }
}
