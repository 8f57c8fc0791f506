"""The strict reader's limits and refusals, and agreement with PHP itself where php-cli exists."""
import json
import random
import subprocess

import pytest

from wp_bridge.errors import PHPSerializeError
from wp_bridge.phpserialize import is_list, serialize, unserialize


@pytest.mark.parametrize("data", [
    b"", b"N", b"i:;", b"i:1", b"i:99999999999999999999;", b"i:9223372036854775808;", b"d:;", b"d:1e;",
    b"d:+INF;", b"b:;", b"b:01;", b's:1:"ab";', b's:+1:"a";', b's:3:"ab";', b"a:1:{}", b"a:-1:{}",
    b"a:1:{d:1.5;i:1;}", b"a:1:{N;i:1;}", b"a:1:{i:0;i:1;", b"a:1:{i:0;i:1;}}", b'S:1:"\\61";',
    b'O:8:"stdClass":0:{}', b'C:1:"X":0:{}', b'E:5:"A:Bcd";', b"a:1:{i:0;R:1;}", b"a:1:{i:0;r:1;}",
    b"i:5; ", b" i:5;", b"x:1;", b"a:999999999:{i:0;i:1;}",
])
def test_refused(data):
    with pytest.raises(PHPSerializeError):
        unserialize(data)


def test_depth_and_size_limits():
    nested = b"a:1:{i:0;" * 64 + b"N;" + b"}" * 64
    assert unserialize(nested) is not None
    with pytest.raises(PHPSerializeError):
        unserialize(b"a:1:{i:0;" + nested + b"}")
    with pytest.raises(PHPSerializeError):
        unserialize(b's:10:"' + b"x" * 10 + b'";', max_size=10)


def test_values():
    assert unserialize(b"i:+05;") == 5
    assert unserialize(b"d:1.;") == 1.0
    assert unserialize(b'a:2:{s:1:"5";i:1;i:5;i:2;}') == {5: 2}
    assert unserialize('s:2:"é";') == "é".encode()
    assert unserialize(b's:3:"a"b";') == b'a"b'


def test_is_list():
    assert is_list(unserialize(b"a:2:{i:0;i:1;i:1;i:2;}"))
    assert not is_list(unserialize(b"a:1:{i:1;i:1;}"))
    assert not is_list(unserialize(b'a:1:{s:1:"a";i:1;}'))
    assert is_list({})


def test_serialize_keys_and_errors():
    assert serialize({"6": 1, "07": 2, True: 3, b"x": None}) == b'a:4:{i:6;i:1;s:2:"07";i:2;i:1;i:3;s:1:"x";N;}'
    assert serialize([1, "a"]) == b'a:2:{i:0;i:1;i:1;s:1:"a";}'
    for bad in (2**63, object(), {1.5: 1}):
        with pytest.raises(PHPSerializeError):
            serialize(bad)
    loop = []
    loop.append(loop)
    with pytest.raises(PHPSerializeError):
        serialize(loop)


def _random_value(rng: random.Random, depth: int = 0):
    kind = rng.choice(["int", "float", "str", "bool", "null"] + (["array"] * 2 if depth < 4 else []))
    if kind == "int":
        return rng.choice([0, -1, 2**63 - 1, -(2**63), rng.randint(-10**12, 10**12)])
    if kind == "float":
        return rng.choice([0.1, -0.0, 1e100, 1.5e-7, rng.uniform(-1e9, 1e9), rng.random() * 10 ** rng.randint(-20, 20)])
    if kind == "str":
        return "".join(rng.choice("ab\"; :{}é日\0\n") for _ in range(rng.randint(0, 8)))
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "null":
        return None
    keys = [rng.randint(-3, 9), str(rng.randint(-3, 12)), "k" + str(rng.randint(0, 5)), "07", ""]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_agrees_with_php():
    """PHP's serialize() of PHP's unserialize() of ours is ours, and reads back to the same value."""
    rng = random.Random(20260101)
    payloads = [serialize(_random_value(rng)) for _ in range(300)]
    script = ('$out = []; foreach (json_decode(stream_get_contents(STDIN)) as $h) '
              '{ $out[] = bin2hex(serialize(unserialize(hex2bin($h)))); } echo json_encode($out);')
    run = subprocess.run(["php", "-r", script], input=json.dumps([p.hex() for p in payloads]),
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    for ours, theirs in zip(payloads, json.loads(run.stdout), strict=True):
        assert bytes.fromhex(theirs) == ours
        assert serialize(unserialize(ours)) == ours
