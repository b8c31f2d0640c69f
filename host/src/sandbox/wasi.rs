//! The WASI surface an adapter is granted, and nothing more.
//!
//! Linked, because Rust's standard library for `wasm32-wasip2` imports them:
//! - `wasi:io` (error, poll, streams) and `wasi:cli` (environment, exit, stdin, stdout,
//!   stderr, terminal-*): the environment and arguments are empty, stdin is empty, stdout is
//!   discarded, stderr goes to a small in-memory pipe so a panic's message can be reported;
//! - `wasi:clocks` (wall clock, monotonic clock) and `wasi:random`: harmless, and a wait on a
//!   clock is covered by the call's one deadline like everything else;
//! - `wasi:filesystem` (types, preopens) with **no preopened directory**: there is no path an
//!   adapter can open, so any attempt fails with an error the adapter sees.
//!
//! Not linked: `wasi:sockets` (network, instance-network, tcp, udp, ip-name-lookup). A
//! component that imports them is refused at installation, before any of its code runs; an
//! adapter reaches the world only through the host's `config`, `xref` and `log`.

use wasmtime::component::{HasData, Linker, ResourceTable};
use wasmtime_wasi::cli::WasiCli;
use wasmtime_wasi::clocks::WasiClocks;
use wasmtime_wasi::filesystem::WasiFilesystem;
use wasmtime_wasi::p2::bindings::{cli, clocks, filesystem, io, random};
use wasmtime_wasi::p2::pipe::{MemoryOutputPipe, SinkOutputStream};
use wasmtime_wasi::random::WasiRandom;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiView};

struct HasTable;

impl HasData for HasTable {
    type Data<'a> = &'a mut ResourceTable;
}

/// Links the granted WASI interfaces (async variants) into `linker`.
pub fn add_to_linker<T: WasiView + 'static>(linker: &mut Linker<T>) -> wasmtime::Result<()> {
    use wasmtime_wasi::cli::WasiCliView as _;
    use wasmtime_wasi::clocks::WasiClocksView as _;
    use wasmtime_wasi::filesystem::WasiFilesystemView as _;
    use wasmtime_wasi::random::WasiRandomView as _;
    let l = linker;
    io::error::add_to_linker::<T, HasTable>(l, |t| t.ctx().table)?;
    io::poll::add_to_linker::<T, HasTable>(l, |t| t.ctx().table)?;
    io::streams::add_to_linker::<T, HasTable>(l, |t| t.ctx().table)?;
    clocks::wall_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    clocks::monotonic_clock::add_to_linker::<T, WasiClocks>(l, T::clocks)?;
    random::random::add_to_linker::<T, WasiRandom>(l, T::random)?;
    random::insecure::add_to_linker::<T, WasiRandom>(l, T::random)?;
    random::insecure_seed::add_to_linker::<T, WasiRandom>(l, T::random)?;
    cli::exit::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::environment::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_input::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_output::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdin::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stdout::add_to_linker::<T, WasiCli>(l, T::cli)?;
    cli::terminal_stderr::add_to_linker::<T, WasiCli>(l, T::cli)?;
    filesystem::types::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    filesystem::preopens::add_to_linker::<T, WasiFilesystem>(l, T::filesystem)?;
    Ok(())
}

/// One call's WASI context: no preopened directory, no environment or arguments, no network,
/// stdin empty, stdout discarded, stderr into `stderr`.
pub fn context(stderr: MemoryOutputPipe) -> WasiCtx {
    // The builder's defaults already grant no directory, variable or argument; network access
    // is refused here too, so it stays refused even if someone links `wasi:sockets` later.
    WasiCtxBuilder::new()
        .stdout(SinkOutputStream)
        .stderr(stderr)
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .socket_addr_check(|_, _| Box::pin(async { false }))
        .build()
}
