"""`livesamp osc` and `livesamp --osc`: options become an OscConfig; unsafe ones refuse."""
from __future__ import annotations

import pytest

from livesamp.cli import build_parser, main
from livesamp.osc.cli import config_from_args
from livesamp.osc.config import parse_target


def test_osc_subcommand_defaults_are_superdirts():
    cfg = config_from_args(build_parser().parse_args(["osc"]))
    assert (cfg.host, cfg.port, cfg.bus_port) == ("127.0.0.1", 57120, 57110)
    assert cfg.allow == () and not cfg.allow_remote and cfg.late_drop_s == 0.5


def test_osc_subcommand_options():
    args = build_parser().parse_args([
        "osc", "--port", "57121", "--bus-port", "0", "--host", "0.0.0.0", "--allow-remote",
        "--allow", "192.168.1.0/24", "--event-to", "9000", "--forward-to", "10.0.0.2:57120",
        "--late-drop", "0.25"])
    cfg = config_from_args(args)
    assert (cfg.host, cfg.port, cfg.bus_port, cfg.allow) == ("0.0.0.0", 57121, 0, ("192.168.1.0/24",))
    assert cfg.event_targets == (("127.0.0.1", 9000),)
    assert cfg.forward_targets == (("10.0.0.2", 57120),) and cfg.late_drop_s == 0.25


def test_repl_osc_options():
    args = build_parser().parse_args(["--osc", "--osc-port", "57125"])
    assert args.osc and args.command is None
    assert config_from_args(args, prefix="osc-").port == 57125


def test_remote_listening_needs_flag_and_allow_list(capsys):
    assert main(["osc", "--host", "0.0.0.0", "--backend", "null"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


@pytest.mark.parametrize("text,target", [("9000", ("127.0.0.1", 9000)), ("host:1", ("host", 1)),
                                         ("[::1]:57120", ("::1", 57120))])
def test_parse_target(text, target):
    assert parse_target(text) == target


@pytest.mark.parametrize("bad", ["x", "host:0", "host:70000"])
def test_parse_target_errors(bad):
    with pytest.raises(ValueError, match="PORT|port"):
        parse_target(bad)
