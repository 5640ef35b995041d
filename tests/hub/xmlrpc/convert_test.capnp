# Test-only schema: one field of every kind the XML-RPC converter handles.
@0xea9edc8bfb962bb1;

$import "/capnp/c++.capnp".namespace("zenhub::hub::xmlrpc::test");

enum Color {
  red @0;
  darkGreen @1;
}

struct Inner {
  name @0 :Text;
}

struct Bound {
  union {
    none @0 :Void;
    value @1 :Float64;
  }
}

interface Nothing {}

struct Everything {
  flag @0 :Bool;
  small @1 :Int8;
  big @2 :UInt64;
  single @3 :Float32;
  double @4 :Float64;
  text @5 :Text;
  data @6 :Data;
  color @7 :Color;
  ints @8 :List(Int32);
  inner @9 :Inner;
  inners @10 :List(Inner);
  nothing @11 :Void;
  choice :union {
    none @12 :Void;
    number @13 :Int64;
    word @14 :Text;
  }
  stats :group {
    count @15 :UInt32;
    label @16 :Text;
  }
  cap @17 :Nothing;
  any @18 :AnyPointer;
  bound @19 :Bound;
  bounds @20 :List(Bound);
  texts @21 :List(Text);
}
