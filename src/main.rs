//! `pyexplain`: argv -> `server` | `check` | `map` | `explain` | `notes` | `note` | `rule`;
//! nothing else.

use clap::Parser;
use pyexplain::cli::{self, Cli, Command};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Server => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            match runtime {
                Ok(rt) => {
                    let code = rt.block_on(pyexplain::server::run_stdio());
                    // Dropping the runtime would wait for the blocking stdin
                    // reader, which never returns while the client keeps
                    // stdin open: leave it behind.
                    rt.shutdown_background();
                    code
                }
                Err(e) => {
                    eprintln!("pyexplain: cannot start the async runtime: {e}");
                    2
                }
            }
        }
        command => cli::run(command),
    };
    // Exit at once: a blocking stdin reader must not keep the process alive
    // after the LSP `exit` notification.
    std::process::exit(code);
}
