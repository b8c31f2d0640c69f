//! Hostile adapters fail only their own message, with a reason that names the limit, while
//! another partner's messages keep flowing through the same host.
//!
//! The hostile adapter (`tests/adapters/hostile`) misbehaves as its input's first word says;
//! what a Rust adapter cannot be (many memories, another world, network imports, bytes that
//! are no component, a 50 MB upload) is refused at installation: see `sandbox_install.rs`.

mod support;

use std::time::{Duration, Instant};

use support::*;
use wharf_host::sandbox::{
    AdapterRegistry, CallError, CallScope, LimitBreach, Limits, RegistrySettings, SandboxEngine,
};

fn config() -> String {
    config_with_deadline(500)
}

/// The hostile adapter on two agreements, with this call deadline.
fn config_with_deadline(timeout_ms: u64) -> String {
    format!(
        r#"
[processing]
retry_initial_ms = 20
retry_max_ms = 50
[adapter_limits.hostile]
memory_mib = 32
timeout_ms = {timeout_ms}
max_output_kib = 1024
{PARTNERS}
[[agreements]]
id = "junk"
partner = "other"
direction = "inbound"
adapter = "hostile"
[[agreements]]
id = "steady"
partner = "erp"
direction = "inbound"
adapter = "hostile"
[xref.parts]
"A-100" = "MAT-100"
"#
    )
}

/// Posts a well-behaved message as the ERP on the steady agreement and waits for it.
async fn steady_message(host: &TestHost, po: &str) -> serde_json::Value {
    let (status, receipt) = host.post("steady", ERP_KEY, po.to_owned()).await;
    assert_eq!(status, 202, "{receipt}");
    host.settled(receipt["tracking_id"].as_str().unwrap(), ERP_KEY)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_hostile_call_fails_alone_and_names_its_limit() {
    let host = TestHost::start(&config(), &[&components().hostile]).await;
    let cases = [
        (
            "spin",
            "adapter.limit",
            "time limit of 500 ms exceeded (timeout_ms)",
        ),
        (
            "sleep",
            "adapter.limit",
            "time limit of 500 ms exceeded (timeout_ms)",
        ),
        (
            "hoard",
            "adapter.limit",
            "memory limit of 32 MiB exceeded (memory_mib)",
        ),
        (
            "recurse",
            "adapter.limit",
            "stack limit of 1024 KiB exceeded",
        ),
        // What a trapped guest said (its stderr, wasmtime's trap text) is the operator's, not
        // the partner's (issue 8): partners get a fixed text naming the adapter.
        (
            "deep-frames",
            "adapter.trap",
            "stopped while reading this message (trap)",
        ),
        (
            "panic",
            "adapter.trap",
            "stopped while reading this message (trap)",
        ),
        (
            "flood",
            "adapter.limit",
            "output limit of 1024 KiB exceeded",
        ),
        (
            "bigkey",
            "adapter.limit",
            "host call argument limit of 65536 bytes",
        ),
        ("file", "adapter.validation", "cannot read a host file"),
    ];
    for (n, (input, code, reason)) in cases.into_iter().enumerate() {
        let (status, receipt) = host.post("junk", OTHER_KEY, input).await;
        assert_eq!(status, 202, "{receipt}");
        let id = receipt["tracking_id"].as_str().unwrap().to_owned();

        // Another partner's message, sent while the hostile one is being handled, goes through.
        let po = format!("PO-STEADY-{n}");
        let steady = steady_message(&host, &po).await;
        assert_eq!(steady["status"], "processed", "beside {input}: {steady}");
        assert_eq!(steady["documents"][0]["business_key"], po);

        let view = host.settled(&id, OTHER_KEY).await;
        assert_eq!(view["status"], "failed", "{input}: {view}");
        assert_eq!(view["error"]["code"], code, "{input}: {view}");
        let message = view["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{input}: {message}");
        if code != "adapter.validation" {
            assert!(message.contains("hostile@0.1.0"), "{input}: {message}");
        }

        // The raw bytes of the failed message are kept.
        assert_eq!(
            host.store.message_raw(&id).await.unwrap().unwrap(),
            input.as_bytes()
        );

        // The same partner's next well-behaved message goes through too.
        let po = format!("PO-AFTER-{n}");
        let (status, receipt) = host.post("junk", OTHER_KEY, po.clone()).await;
        assert_eq!(status, 202);
        let view = host
            .settled(receipt["tracking_id"].as_str().unwrap(), OTHER_KEY)
            .await;
        assert_eq!(view["status"], "processed", "after {input}: {view}");
        assert_eq!(view["documents"][0]["business_key"], po);
    }
}

/// A flood of `log` or `xref` calls is stopped by the host call limit. The deadline is long
/// here so that on a slow or busy machine the call limit, not the clock, is what stops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_call_floods_stop_at_the_call_limit() {
    let host = TestHost::start(&config_with_deadline(120_000), &[&components().hostile]).await;
    for input in ["chatter", "lookups"] {
        let (status, receipt) = host.post("junk", OTHER_KEY, input).await;
        assert_eq!(status, 202, "{receipt}");
        let view = host
            .settled(receipt["tracking_id"].as_str().unwrap(), OTHER_KEY)
            .await;
        assert_eq!(view["status"], "failed", "{input}: {view}");
        assert_eq!(view["error"]["code"], "adapter.limit", "{input}: {view}");
        let message = view["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("host call limit of 100000 calls"),
            "{input}: {message}"
        );
        let steady = steady_message(&host, &format!("PO-BESIDE-{input}")).await;
        assert_eq!(steady["status"], "processed", "beside {input}: {steady}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_adapter_sees_no_environment_arguments_or_files() {
    let host = TestHost::start(&config(), &[&components().hostile]).await;
    let (_, receipt) = host.post("junk", OTHER_KEY, "ambient").await;
    let view = host
        .settled(receipt["tracking_id"].as_str().unwrap(), OTHER_KEY)
        .await;
    assert_eq!(view["status"], "processed", "{view}");
    assert_eq!(view["documents"][0]["business_key"], "AMBIENT-0-0");
}

/// Regression for issue 8: an adapter sleeping in WASI ran until killed from outside, since
/// the epoch deadline only interrupts running wasm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sleeping_adapter_fails_at_its_wall_clock_deadline() {
    let limits = Limits {
        timeout_ms: 2_000,
        ..Limits::default()
    };
    let registry = AdapterRegistry::new(
        std::sync::Arc::new(SandboxEngine::new().unwrap()),
        RegistrySettings {
            default_limits: limits,
            ..RegistrySettings::default()
        },
    );
    let info = registry.install_file(&components().hostile).await.unwrap();
    let adapter = registry.resolve(&info.reference()).unwrap();

    let sleeper = {
        let adapter = adapter.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let outcome = adapter
                .decode(CallScope::default(), b"sleep".to_vec(), None)
                .await;
            (outcome, started.elapsed())
        })
    };
    // The host stays responsive meanwhile: another call of the same adapter completes while the
    // sleeping one is still held. The sleeper enters its call first (it holds a permit).
    let entered = Instant::now();
    while adapter.calls_in_flight() == 0 {
        assert!(
            entered.elapsed() < Duration::from_secs(10),
            "the sleeping call never started"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let decoded = adapter
        .decode(CallScope::default(), b"PO-1".to_vec(), None)
        .await
        .unwrap();
    assert_eq!(decoded.documents.len(), 1);
    assert!(
        !sleeper.is_finished(),
        "the other call completed while the sleeping one was still held"
    );

    let (outcome, took) = sleeper.await.unwrap();
    match outcome {
        Err(CallError::Limit {
            breach: LimitBreach::Time { limit_ms: 2_000 },
            ..
        }) => {}
        other => panic!("expected the time limit, got {other:?}"),
    }
    assert!(
        took >= Duration::from_millis(1_900) && took < Duration::from_secs(4),
        "the sleeping call took {took:?}"
    );
}

/// Many hostile messages at once (each instantiating, each held to its deadline) take at most
/// the hostile adapter's own concurrency; the other partner's messages keep flowing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instance_churn_from_one_partner_does_not_starve_another() {
    let host = TestHost::start(&config(), &[&components().hostile]).await;
    let mut hostile = Vec::new();
    for n in 0..24 {
        let input = if n % 2 == 0 { "sleep" } else { "spin" };
        let (status, receipt) = host.post("junk", OTHER_KEY, input).await;
        assert_eq!(status, 202);
        hostile.push(receipt["tracking_id"].as_str().unwrap().to_owned());
    }
    let mut slowest = Duration::ZERO;
    for n in 0..10 {
        let started = Instant::now();
        let view = steady_message(&host, &format!("PO-CHURN-{n}")).await;
        assert_eq!(view["status"], "processed", "{view}");
        slowest = slowest.max(started.elapsed());
    }
    eprintln!("slowest steady message beside 24 hostile ones: {slowest:?}");
    assert!(slowest < Duration::from_secs(5), "{slowest:?}");
    for id in hostile {
        let view = host.settled(&id, OTHER_KEY).await;
        assert_eq!(view["status"], "failed", "{view}");
        assert_eq!(view["error"]["code"], "adapter.limit", "{view}");
    }
}

/// What each call cost is kept with the message and shown to the operator, not the partner.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_message_records_what_its_adapter_call_cost() {
    let host = TestHost::start(&config(), &[&components().hostile]).await;
    let (_, receipt) = host.post("junk", OTHER_KEY, "PO-COST").await;
    let id = receipt["tracking_id"].as_str().unwrap().to_owned();
    let view = host.settled(&id, OTHER_KEY).await;
    assert_eq!(view["status"], "processed");
    assert!(view.get("adapter_cost").is_none(), "{view}");

    let (status, operator) = host.admin_get(&format!("/messages/{id}")).await;
    assert_eq!(status, 200, "{operator}");
    assert!(
        operator["adapter_cost"]["fuel"].as_u64().unwrap_or(0) > 0,
        "{operator}"
    );
    let cost = host
        .store
        .operator_message_view(&id)
        .await
        .unwrap()
        .unwrap()
        .adapter_cost
        .expect("the cost is recorded");
    assert!(cost.wall_us > 0 && cost.memory_bytes > 0, "{cost:?}");
    assert_eq!(
        operator["adapter_cost"]["wall_us"], cost.wall_us,
        "{operator}"
    );

    // A call that ran into its deadline: its time in wasm shows in epoch ticks (5 ms each).
    let (_, receipt) = host.post("junk", OTHER_KEY, "spin").await;
    let spin = receipt["tracking_id"].as_str().unwrap().to_owned();
    assert_eq!(host.settled(&spin, OTHER_KEY).await["status"], "failed");
    let spun = host
        .store
        .operator_message_view(&spin)
        .await
        .unwrap()
        .unwrap()
        .adapter_cost
        .unwrap();
    assert!(spun.epoch_ticks >= 50, "{spun:?}");
    assert!(
        spun.epoch_ticks > 10 * cost.epoch_ticks.max(1),
        "{spun:?} vs {cost:?}"
    );
    assert!(spun.wall_us >= 500_000, "{spun:?}");
}
