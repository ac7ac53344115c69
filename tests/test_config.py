import pytest

from audit import config as config_mod
from audit.errors import ConfigError


def test_defaults_without_a_file(tmp_path):
    cfg = config_mod.load(cwd=tmp_path)
    assert cfg.portfolio.portfolio_timezone == "Asia/Shanghai"
    assert cfg.portfolio.default_regime == "cn"
    assert cfg.metrics.default_dpd == 90
    assert cfg.metrics.bucket_edges == (30, 60, 90, 120, 150, 180)
    assert cfg.warehouse_dir == tmp_path / "warehouse"
    assert cfg.reports_dir == tmp_path / "reports"


def test_the_init_template_states_the_defaults(tmp_path):
    template = config_mod.Path(config_mod.__file__).with_name("audit.toml.template")
    path = tmp_path / "audit.toml"
    path.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
    from_file = config_mod.load(path)
    defaults = config_mod.load(cwd=tmp_path)
    for section in ("institution", "portfolio", "paths", "metrics", "warehouse", "run", "report"):
        assert getattr(from_file, section) == getattr(defaults, section), section


def test_paths_are_relative_to_the_config_file(tmp_path):
    (tmp_path / "sub").mkdir()
    path = tmp_path / "sub" / "audit.toml"
    path.write_text('[paths]\nwarehouse = "wh"\n', encoding="utf-8")
    assert config_mod.load(path).warehouse_dir == tmp_path / "sub" / "wh"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[portfolio]\ntimezone = 'Asia/Shanghai'\n", "unknown key portfolio.timezone"),
        ("[portfolo]\n", "unknown section [portfolo]"),
        ("[portfolio]\nportfolio_timezone = 'Asia/Shangai'\n", "portfolio.portfolio_timezone"),
        ("[portfolio]\ndefault_regime = 'eu'\n", "portfolio.default_regime"),
        ("[metrics]\ndefault_dpd = 'ninety'\n", "metrics.default_dpd: expected a whole number"),
        ("[metrics]\nbucket_edges = [60, 30]\n", "metrics.bucket_edges"),
        ("[warehouse]\nmemory_limit = 'lots'\n", "warehouse.memory_limit"),
        ("[rules.nope.X]\na = 1\n", "rules.nope: unknown pack"),
        ("[rules.us_regf.US-REGF-NOPE]\na = 1\n", "rules.us_regf.US-REGF-NOPE: unknown rule"),
        (
            "[rules.us_regf.US-REGF-TIME]\nearly = '08:00'\n",
            "rules.us_regf.US-REGF-TIME.early: unknown parameter",
        ),
        ("[rules.us_regf.US-REGF-TIME]\nearliest = '8 am'\n", "expected time"),
        ("not toml = = 1", "not valid TOML"),
    ],
)
def test_bad_config_names_the_key(tmp_path, text, message):
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        config_mod.load(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_rule_override_in_force(tmp_path):
    from audit import rules

    path = tmp_path / "audit.toml"
    path.write_text('[rules.us_regf.US-REGF-TIME]\nearliest = "09:00"\n', encoding="utf-8")
    cfg = config_mod.load(path)
    assert rules.params_in_force(cfg, rules.find("US-REGF-TIME"))["earliest"] == "09:00"
    assert rules.params_in_force(cfg, rules.find("US-REGF-TIME"))["latest"] == "21:00"


def test_missing_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        config_mod.load(tmp_path / "nope.toml")
