import doctest

import pytest

import checks.company
from checks.company import normalize_company, same_company, split_form


@pytest.mark.parametrize(
    "a, b",
    [
        ("Shanghai Autostar Export Co., Ltd.", "SHANGHAI AUTOSTAR EXPORT CO LTD"),
        ("Shanghai Autostar Export Co., Ltd.", "Shanghai Autostar Export Company Limited"),
        ("Cape Auto Traders (Pty) Ltd", "CAPE AUTO TRADERS PTY LTD"),
        ("Al Noor Used Cars Trading LLC", "AL NOOR USED CARS TRADING L.L.C."),
        ("Importadora Rio Veículos Ltda", "IMPORTADORA RIO VEICULOS LTDA"),
        ("Chukwuemeka Okafor", "OKAFOR Chukwuemeka"),
        ("Toyota Tsusho Corporation", "Toyota Tsusho Corp."),
        ("上海汽车进出口有限公司", "上海汽车进出口有限公司"),
        ("Lekki Auto Imports Ltd", "Lekki Auto-Imports Ltd"),
    ],
)
def test_the_same_party_written_differently(a, b):
    assert same_company(a, b) and same_company(b, a)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Adebayo Motors Ltd", "Lekki Auto Imports Ltd"),
        ("Desert Line Motors FZE", "Desert Line Motors LLC"),
        ("Shanghai Autostar Export Co., Ltd.", "Shanghai Autostar Import Co., Ltd."),
        ("Peter Otieno Ochieng", "Peter Otieno"),
        ("", "Adebayo Motors Ltd"),
        (None, None),
        ("!!!", "???"),
    ],
)
def test_different_or_empty_parties_are_not_the_same(a, b):
    assert not same_company(a, b)


def test_core_and_form():
    assert split_form("Ningbo Oriental Motors Trading Co., Ltd.") == (
        "ningbo oriental motors trading",
        "ltd",
    )
    assert split_form("Kwame Mensah") == ("kwame mensah", None)
    assert normalize_company("The Accra Prime Autos Ltd") == "accra prime autos"


def test_doctests():
    assert doctest.testmod(checks.company).failed == 0
