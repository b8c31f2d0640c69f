//! Hostile adapters fail only their own message, with a reason that names the limit, and the
//! next well-behaved message succeeds.

mod support;

use support::*;

fn config() -> String {
    format!(
        r#"
[adapter_limits.hostile]
memory_mib = 32
timeout_ms = 500
max_output_kib = 1024
{PARTNERS}
[[agreements]]
id = "junk"
partner = "other"
direction = "inbound"
adapter = "hostile"
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_hostile_call_fails_alone_and_names_its_limit() {
    let host = TestHost::start(&config(), &[&components().hostile]).await;
    let cases = [
        ("spin", "adapter.limit", "time limit of 500 ms exceeded"),
        ("hoard", "adapter.limit", "memory limit of 32 MiB exceeded"),
        // What the guest wrote to stderr is the operator's, not the partner's (issue 8).
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
    ];
    for (n, (input, code, reason)) in cases.into_iter().enumerate() {
        let (status, receipt) = host.post("junk", OTHER_KEY, input).await;
        assert_eq!(status, 202, "{receipt}");
        let view = host
            .settled(receipt["tracking_id"].as_str().unwrap(), OTHER_KEY)
            .await;
        assert_eq!(view["status"], "failed", "{input}: {view}");
        assert_eq!(view["error"]["code"], code, "{input}: {view}");
        let message = view["error"]["message"].as_str().unwrap();
        assert!(message.contains(reason), "{input}: {message}");
        assert!(message.contains("hostile@0.1.0"), "{input}: {message}");

        // The raw bytes of the failed message are kept.
        let id = receipt["tracking_id"].as_str().unwrap();
        assert_eq!(
            host.store.message_raw(id).await.unwrap().unwrap(),
            input.as_bytes()
        );

        // A well-behaved message right after goes through.
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
