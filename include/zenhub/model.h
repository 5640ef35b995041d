// The device model's value types: what the object store holds and what services read.
//
// The model is a tree of objects addressed by path. Every object has a numeric oid that never
// changes (and is never reused), a class, a parent and a flat map of properties. The classes and
// where they may live are fixed here (kClassRules); docs/model.md describes the tree.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace zenhub::model {

using Oid = std::int64_t;
constexpr Oid kNoOid = 0;

// A property value. Lists are lists of strings (IP addresses, template names, plugin names,
// datapoint names): that is all the model needs, and it keeps both storage and YAML simple.
using StringList = std::vector<std::string>;
using Value = std::variant<bool, std::int64_t, double, std::string, StringList>;
using Properties = std::map<std::string, Value, std::less<>>;

// Object classes (Zenoss's meta types).
namespace cls {
inline constexpr std::string_view kOrganizer = "Organizer";          // /Monitors, /Monitors/Performance
inline constexpr std::string_view kCollector = "PerformanceConf";    // /Monitors/Performance/<name>
inline constexpr std::string_view kDeviceClass = "DeviceClass";      // /Devices and below
inline constexpr std::string_view kTemplate = "RRDTemplate";
inline constexpr std::string_view kDataSource = "RRDDataSource";
inline constexpr std::string_view kDataPoint = "RRDDataPoint";
inline constexpr std::string_view kThreshold = "MinMaxThreshold";
inline constexpr std::string_view kDevice = "Device";
inline constexpr std::string_view kInterface = "IpInterface";
inline constexpr std::string_view kFileSystem = "FileSystem";
inline constexpr std::string_view kProcess = "OSProcess";
inline constexpr std::string_view kIpService = "IpService";
}  // namespace cls

inline constexpr std::string_view kDevicesRoot = "/Devices";
inline constexpr std::string_view kCollectorsRoot = "/Monitors/Performance";

// One object of the tree as stored.
struct Object {
  Oid oid = kNoOid;
  Oid parent = kNoOid;  // kNoOid for the roots (/Devices, /Monitors)
  std::string path;     // e.g. /Devices/Server/Linux/devices/web01
  std::string id;       // the last path segment
  std::string className;
  Properties properties;

  bool operator==(const Object&) const = default;
};

// Where a class may live: the classes its parent may have and the relation segment between the
// parent's path and the child's id (Zenoss's relationships: a device /Devices/Server/devices/web01,
// an interface .../web01/os/interfaces/eth0). Empty relation: the child sits directly below.
struct ClassRule {
  std::string_view className;
  std::vector<std::string_view> parentClasses;
  std::string_view relation;
};
const std::vector<ClassRule>& classRules();
const ClassRule* findClassRule(std::string_view className);

// The path a child of class `className` named `id` gets below `parentPath`.
std::string childPath(std::string_view parentPath, std::string_view className, std::string_view id);

// Helpers to read typed properties; nullopt when absent or of another type (an int64 reads as a
// double too).
std::optional<std::string> getString(const Properties& p, std::string_view key);
std::optional<std::int64_t> getInt(const Properties& p, std::string_view key);
std::optional<double> getNumber(const Properties& p, std::string_view key);
std::optional<bool> getBool(const Properties& p, std::string_view key);
std::optional<StringList> getList(const Properties& p, std::string_view key);

// Human-readable rendering of a value ("public", "161", "[a, b]").
std::string toDisplayString(const Value& v);

// ---- zProperties ----------------------------------------------------------------------------

// True for a zProperty name: 'z' then an upper-case letter (zSnmpCommunity).
bool isZPropertyName(std::string_view name);

// The type a well-known zProperty must have, for validation. Unknown zProperties take any type.
enum class ValueType { kBool, kInt, kNumber, kString, kList, kAny };
ValueType zPropertyType(std::string_view name);
bool hasType(const Value& v, ValueType t);
std::string_view typeName(ValueType t);

// Defaults that apply when neither the device nor any class up to /Devices sets a zProperty
// (Zenoss's defaults on /Devices).
const Properties& zPropertyDefaults();

// Acquisition: the value of zProperty `name` for an object, given the property maps from the
// object itself up to /Devices (chain[0] = the device, chain.back() = /Devices); the first that
// sets it wins, then zPropertyDefaults(). nullopt when nobody sets it.
std::optional<Value> acquire(const std::vector<const Properties*>& chain, std::string_view name);

// ---- Typed views services use -----------------------------------------------------------------

struct Collector {
  std::string name;
  Properties properties;  // cycle intervals (pingCycleInterval, ...), anything else: propertyItems
};

enum class DataSourceType { kSnmp, kCommand, kPing };
std::optional<DataSourceType> parseDataSourceType(std::string_view s);
std::string_view toString(DataSourceType t);

// Component kinds and the template a component binds when its own type says nothing more.
std::string componentTemplateName(const Object& component);

}  // namespace zenhub::model
