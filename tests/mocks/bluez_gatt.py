# -*- coding: utf-8 -*-
'''bluetoothd mock with GATT: python-dbusmock's bluez5 template plus heart-rate straps.

Usage: python3 -m dbusmock --system --template tests/mocks/bluez_gatt.py

Adds, on the main object (/), the interface org.pneuma.MockGatt:
  AddStrap(adapter s, address s, name s, pmd b) -> o
      a Device1 whose Connect() resolves services: Heart Rate (0x180D: 0x2A37 notify),
      Battery (0x180F: 0x2A19 read+notify) and, when pmd, Polar PMD (C81 control point,
      C82 data). Every (re)connect creates the GATT objects under NEW handles/paths, as
      BlueZ does after a re-pair or a firmware change.
  Notify(device o, uuid s, value ay) -> b
      one notification: the characteristic's Value changes (PropertiesChanged), if notifying.
  NotifyMany(device o, uuid s, values aay) -> u
      several notifications of one characteristic in order, as a strap sends a burst of PMD
      frames in one connection event; returns how many were delivered (0 if not notifying).
  DropLink(device o)
      the strap walks out of range: Connected and ServicesResolved go false, GATT objects go.
  SetControlPointStatus(status y)
      status byte the PMD control point answers with (0 success, 6 already in state, ...).
  SetStartStatus(type y, status y)
      the status a START of that measurement type is answered with (overrides the one above);
      255: that START is never answered (a lost indication).
  SetPmdFeatures(features ay)
      what a read of the PMD control point returns on the next connect (default 0F 05 00: ECG and
      ACC, an H10; 0F 6E 00: PPG, ACC, PPI, gyro, magnetometer, a Verity Sense).
  GetWrites(device o) -> aay
      every value written to the PMD control point, oldest first.
The PMD control point answers a write with F0 op type status 00 (a notification on C81).
'''

import dbus
from gi.repository import GLib

from dbusmock import OBJECT_MANAGER_IFACE, mockobject
from dbusmock.templates.bluez5 import *  # noqa: F401,F403  (AddAdapter, AddDevice, ... become methods)
from dbusmock.templates import bluez5

GATT_IFACE = 'org.pneuma.MockGatt'
SERVICE_IFACE = 'org.bluez.GattService1'
CHAR_IFACE = 'org.bluez.GattCharacteristic1'
DEVICE_IFACE = 'org.bluez.Device1'


def uuid16(short):
    return f'0000{short:04x}-0000-1000-8000-00805f9b34fb'


HR_SERVICE, HR_MEASUREMENT = uuid16(0x180D), uuid16(0x2A37)
BATTERY_SERVICE, BATTERY_LEVEL = uuid16(0x180F), uuid16(0x2A19)
PMD_SERVICE = 'fb005c80-02e7-f387-1cad-8acd2d8df0c8'
PMD_CP = 'fb005c81-02e7-f387-1cad-8acd2d8df0c8'
PMD_DATA = 'fb005c82-02e7-f387-1cad-8acd2d8df0c8'


def load(mock, parameters):
    bluez5.load(mock, parameters)
    mock.pmd_status = 0
    mock.pmd_features = [0x0F, 0x05, 0x00]
    mock.start_status = {}


def _start_notify(char):
    char.UpdateProperties(CHAR_IFACE, {'Notifying': dbus.Boolean(True)})


def _stop_notify(char):
    char.UpdateProperties(CHAR_IFACE, {'Notifying': dbus.Boolean(False)})


def _read_value(char, _options):
    return char.props[CHAR_IFACE]['Value']


def _write_value(char, value, _options):
    device = mockobject.objects[str(char.props[CHAR_IFACE]['Service']).rsplit('/', 1)[0]]
    device.cp_writes.append(dbus.Array(value, signature='y'))
    root = mockobject.objects['/']
    status = root.pmd_status
    if len(value) > 1 and value[0] == 0x02:
        status = root.start_status.get(int(value[1]), status)
    if status == 0xFF:  # never answered
        return
    answer = [0xF0, value[0] if value else 0, value[1] if len(value) > 1 else 0, status, 0]

    def respond():
        if char.props[CHAR_IFACE]['Notifying']:
            char.UpdateProperties(CHAR_IFACE, {'Value': dbus.Array(answer, signature='y')})
        return False
    GLib.timeout_add(5, respond)  # after the method reply, as a real sensor answers


def _add_char(device_path, service_path, handle, uuid, flags, value, methods):
    path = f'{service_path}/char{handle:04x}'
    props = {
        'UUID': dbus.String(uuid),
        'Service': dbus.ObjectPath(service_path),
        'Value': dbus.Array(value, signature='y'),
        'Notifying': dbus.Boolean(False),
        'Flags': dbus.Array(flags, signature='s'),
        'Handle': dbus.UInt16(handle),
    }
    root = mockobject.objects['/']
    root.AddObject(path, CHAR_IFACE, props, methods)
    root.object_manager_emit_added(path)
    return path


def _add_service(device_path, handle, uuid):
    path = f'{device_path}/service{handle:04x}'
    props = {'UUID': dbus.String(uuid), 'Primary': dbus.Boolean(True),
             'Device': dbus.ObjectPath(device_path), 'Handle': dbus.UInt16(handle)}
    root = mockobject.objects['/']
    root.AddObject(path, SERVICE_IFACE, props, [])
    root.object_manager_emit_added(path)
    return path


def _resolve(device):
    '''Creates the GATT tree under fresh handles and marks services resolved.'''
    base = device.handle_base
    device.handle_base += 0x40
    path = device.path
    notify = [('StartNotify', '', '', _start_notify), ('StopNotify', '', '', _stop_notify)]
    hr = _add_service(path, base, HR_SERVICE)
    device.gatt_paths = [hr, _add_char(path, hr, base + 1, HR_MEASUREMENT, ['notify'], [], notify)]
    bat = _add_service(path, base + 0x10, BATTERY_SERVICE)
    device.gatt_paths += [bat, _add_char(path, bat, base + 0x11, BATTERY_LEVEL, ['read', 'notify'], [87],
                                         notify + [('ReadValue', 'a{sv}', 'ay', _read_value)])]
    uuids = [HR_SERVICE, BATTERY_SERVICE]
    if device.pmd:
        pmd = _add_service(path, base + 0x20, PMD_SERVICE)
        cp_methods = notify + [('ReadValue', 'a{sv}', 'ay', _read_value),
                               ('WriteValue', 'aya{sv}', '', _write_value)]
        device.gatt_paths += [
            pmd,
            _add_char(path, pmd, base + 0x21, PMD_CP, ['read', 'write', 'indicate'],
                      list(mockobject.objects['/'].pmd_features), cp_methods),
            _add_char(path, pmd, base + 0x24, PMD_DATA, ['notify'], [], notify)]
        uuids.append(PMD_SERVICE)
    device.UpdateProperties(DEVICE_IFACE, {'UUIDs': dbus.Array(uuids, signature='s'),
                                           'ServicesResolved': dbus.Boolean(True)})


def _unresolve(device):
    root = mockobject.objects['/']
    for p in reversed(getattr(device, 'gatt_paths', [])):
        ifaces = list(mockobject.objects[p].props.keys())
        root.RemoveObject(p)
        root.EmitSignal(OBJECT_MANAGER_IFACE, 'InterfacesRemoved', 'oas', [dbus.ObjectPath(p), ifaces])
    device.gatt_paths = []


def _connect(device):
    if device.connected:
        raise dbus.exceptions.DBusException('Already Connected', name='org.bluez.Error.AlreadyConnected')
    device.connected = True
    device.UpdateProperties(DEVICE_IFACE, {'Connected': dbus.Boolean(True)})
    _resolve(device)


def _disconnect(device):
    if not device.connected:
        raise dbus.exceptions.DBusException('Not Connected', name='org.bluez.Error.NotConnected')
    _drop(device)


def _drop(device):
    device.connected = False
    device.UpdateProperties(DEVICE_IFACE, {'ServicesResolved': dbus.Boolean(False), 'Connected': dbus.Boolean(False)})
    _unresolve(device)


@dbus.service.method(GATT_IFACE, in_signature='sssb', out_signature='o')
def AddStrap(self, adapter, address, name, pmd):
    path = bluez5.AddDevice(self, adapter, address, name)
    device = mockobject.objects[path]
    device.pmd = bool(pmd)
    device.handle_base = 0x0c
    device.cp_writes = []
    device.AddMethods(DEVICE_IFACE, [('Connect', '', '', _connect), ('Disconnect', '', '', _disconnect)])
    # advertised services, as seen while scanning
    uuids = [HR_SERVICE] + ([PMD_SERVICE] if device.pmd else [])
    device.UpdateProperties(DEVICE_IFACE, {'UUIDs': dbus.Array(uuids, signature='s')})
    return dbus.ObjectPath(path)


@dbus.service.method(GATT_IFACE, in_signature='osay', out_signature='b')
def Notify(self, device_path, uuid, value):
    for p in getattr(mockobject.objects[device_path], 'gatt_paths', []):
        obj = mockobject.objects[p]
        props = obj.props.get(CHAR_IFACE)
        if props and props['UUID'] == uuid:
            if not props['Notifying']:
                return False
            obj.UpdateProperties(CHAR_IFACE, {'Value': dbus.Array(value, signature='y')})
            return True
    return False


@dbus.service.method(GATT_IFACE, in_signature='osaay', out_signature='u')
def NotifyMany(self, device_path, uuid, values):
    for p in getattr(mockobject.objects[device_path], 'gatt_paths', []):
        obj = mockobject.objects[p]
        props = obj.props.get(CHAR_IFACE)
        if props and props['UUID'] == uuid:
            if not props['Notifying']:
                return dbus.UInt32(0)
            for value in values:
                obj.UpdateProperties(CHAR_IFACE, {'Value': dbus.Array(value, signature='y')})
            return dbus.UInt32(len(values))
    return dbus.UInt32(0)


@dbus.service.method(GATT_IFACE, in_signature='o', out_signature='')
def DropLink(self, device_path):
    _drop(mockobject.objects[device_path])


@dbus.service.method(GATT_IFACE, in_signature='y', out_signature='')
def SetControlPointStatus(self, status):
    self.pmd_status = int(status)


@dbus.service.method(GATT_IFACE, in_signature='yy', out_signature='')
def SetStartStatus(self, measurement_type, status):
    self.start_status[int(measurement_type)] = int(status)


@dbus.service.method(GATT_IFACE, in_signature='ay', out_signature='')
def SetPmdFeatures(self, features):
    self.pmd_features = [int(b) for b in features]


@dbus.service.method(GATT_IFACE, in_signature='o', out_signature='aay')
def GetWrites(self, device_path):
    return dbus.Array(mockobject.objects[device_path].cp_writes, signature='ay')
