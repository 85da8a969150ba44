//! `subroutine/*`: lint rules about whole subroutines.

pub mod boilerplate_macro;
