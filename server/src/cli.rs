//! `bianmin admin …`: what an operator does from the shell. Creating the first
//! city admin is the way into the back office; the password is read from
//! standard input (a hidden prompt on a terminal), never from the arguments.

use crate::accounts::{Accounts, Caller};
use crate::config::Config;
use crate::startup::{load_secrets, open_database};
use app::error::AppError;
use app::staff::NewStaffUser;
use std::io::{BufRead, IsTerminal};
use std::sync::Arc;

pub const USAGE: &str =
    "bianmin admin create-user --username NAME --role ROLE [--center CODE] [--name 姓名]
  ROLE: city_admin | center_admin | window | helper (all but city_admin need --center)
  The password is read from standard input.";

pub async fn admin(config: Config, args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("create-user") => create_user(config, &args[1..]).await,
        _ => anyhow::bail!("usage:\n{USAGE}"),
    }
}

fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密码: ")?;
        let again = rpassword::prompt_password("再次输入密码: ")?;
        anyhow::ensure!(first == again, "两次输入的密码不一致");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

async fn create_user(config: Config, args: &[String]) -> anyhow::Result<()> {
    if args.iter().any(|a| a == "--password") {
        anyhow::bail!("passwords are never taken from the command line; pipe it to standard input");
    }
    let username = flag(args, "--username")
        .ok_or_else(|| anyhow::anyhow!("--username is required\n{USAGE}"))?;
    let role =
        flag(args, "--role").ok_or_else(|| anyhow::anyhow!("--role is required\n{USAGE}"))?;
    let center = flag(args, "--center").unwrap_or_default();
    let display_name = flag(args, "--name").unwrap_or_else(|| "系统管理员".to_string());
    let password = read_password()?;
    let db = open_database(&config).await?;
    let secrets = Arc::new(load_secrets(&config)?);
    let accounts = Accounts::new(db, secrets, config.identity.clone());
    let new = NewStaffUser {
        username: username.clone(),
        display_name,
        role,
        center,
        password,
    };
    match accounts.create_staff(&Caller::cli(), &new).await {
        Ok(id) => {
            println!(
                "created staff user {} (id {id})",
                username.trim().to_lowercase()
            );
            Ok(())
        }
        Err(AppError::Validation { field, message }) => anyhow::bail!("{field}: {message}"),
        Err(e) => anyhow::bail!("{e}"),
    }
}
