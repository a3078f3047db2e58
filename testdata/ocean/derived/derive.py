#!/usr/bin/env python3
"""Derives the samples in this folder (`testdata/ocean/derived/`) from Ocean's real back-pain message.

Not captured from Ocean: each sample is the real v0.11.1 `add-service-request` message with the
event, ids and the entries the Ontario eReferral IG v0.11.1 and `shared/research/ocean-v11-ig.md`
document for that event (Ocean "accumulates resources in each payload bundle"). Run
`python3 testdata/ocean/derived/derive.py`. Ids are fixed so the output is stable.
"""
import copy
import json
import pathlib

HERE = pathlib.Path(__file__).parent
BASE = json.loads((HERE.parent / "ereferral_back_pain.bundle.json").read_text())
OCEAN = "http://localhost:8081"
REF = "71db1a5c-89ce-41d5-bc71-8466f6c2f182"
SR = f"urn:uuid:{REF}"
PATIENT = "urn:uuid:a5f0e549-754c-4a09-a96f-555e981aa3d1"
RECEIVER = "urn:uuid:163dd763-3947-442a-82d5-3d0c598142bd"  # the receiving listing's role
REQUESTER = "urn:uuid:2ae02c27-5bad-446f-a458-f00f20c86b0c"  # the referrer's role
PROFILE = "http://ehealthontario.ca/fhir/StructureDefinition/ca-on-eReferral-profile-"


def message(event, n, reason, timestamp):
    """The base message with a new event, MessageHeader id, Bundle id and time."""
    v = copy.deepcopy(BASE)
    header_id = f"d0000000-0000-4000-8000-00000000000{n}"
    v["id"] = f"b0000000-0000-4000-8000-00000000000{n}"
    v["timestamp"] = timestamp
    v["meta"]["lastUpdated"] = timestamp
    v["entry"][0]["fullUrl"] = header_id
    h = v["entry"][0]["resource"]
    h["id"] = header_id
    h["eventCoding"]["code"] = event
    h["eventCoding"]["display"] = event
    h["reason"] = {"text": reason}
    return v


def entry(uuid, resource):
    return {"fullUrl": f"urn:uuid:{uuid}", "resource": resource}


def sr_of(v):
    return next(e["resource"] for e in v["entry"] if e["resource"]["resourceType"] == "ServiceRequest")


def task(status):
    return {
        "resourceType": "Task",
        "meta": {"profile": [PROFILE + "Task|1.0.0"]},
        "basedOn": [{"reference": SR}],
        "status": status,
        "intent": "order",
        "code": {"coding": [{"code": "process-request", "display": "Process Request"}]},
        "for": {"reference": PATIENT},
        "authoredOn": "2025-05-28T09:12:00-04:00",
        "lastModified": "2025-05-28T09:12:00-04:00",
        "requester": {"reference": REQUESTER},
        "owner": {"reference": RECEIVER},
    }


def appointment():
    return {
        "resourceType": "Appointment",
        "meta": {"profile": [PROFILE + "Appointment|1.0.0"]},
        "status": "booked",
        "appointmentType": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0276", "code": "ROUTINE"}],
            "text": "In person",
        },
        "description": "Initial assessment",
        "start": "2025-06-10T14:00:00-04:00",
        "end": "2025-06-10T14:30:00-04:00",
        "minutesDuration": 30,
        "basedOn": [{"reference": SR}],
        "patientInstruction": "Please arrive 15 minutes early and bring your health card.",
        "participant": [{"actor": {"reference": PATIENT}, "required": "required", "status": "accepted"}],
    }


def communication(text, sender, attachment=None):
    c = {
        "resourceType": "Communication",
        "identifier": [
            {"system": f"{OCEAN}/svc/fhir/v1/NamingSystem/id-referral-target-reference", "value": REF}
        ],
        "basedOn": [{"reference": SR}],
        "status": "completed",
        "subject": {"reference": PATIENT},
        "sent": "2025-05-29T16:45:00-04:00",
        "sender": {"reference": sender},
        "payload": [{"contentString": text}],
    }
    if attachment:
        c["payload"].append({"contentAttachment": attachment})
    return c


def write(name, v):
    (HERE / name).write_text(json.dumps(v, indent=2, ensure_ascii=False) + "\n")


# notify-update-service-request: the receiver accepted and booked, and wrote to the referrer;
# Ocean sends the whole referral with the Task, Appointment and Communication it has.
v = message("notify-update-service-request", 1, "Updated", "2025-05-29T16:46:10.412-04:00")
v["entry"] += [
    entry("e0000000-0000-4000-8000-000000000001", task("accepted")),
    entry("e0000000-0000-4000-8000-000000000002", appointment()),
    entry(
        "e0000000-0000-4000-8000-000000000003",
        communication("<p>Booked for June 10. Imaging is not needed beforehand.</p>", RECEIVER),
    ),
]
write("notify_update_service_request.bundle.json", v)

# revoke-service-request: the referrer cancelled; the ServiceRequest is `revoked`.
v = message("revoke-service-request", 2, "Cancelled", "2025-05-28T08:02:44.120-04:00")
sr_of(v)["status"] = "revoked"
write("revoke_service_request.bundle.json", v)

# send-communication-from-requester: a message from the referrer with an attachment; the focus
# is the Communication, which names the ServiceRequest in basedOn.
v = message("send-communication-from-requester", 3, "Communication", "2025-05-29T16:45:03.007-04:00")
comm = "e0000000-0000-4000-8000-000000000004"
v["entry"][0]["resource"]["focus"] = [{"reference": f"urn:uuid:{comm}"}]
v["entry"].append(
    entry(
        comm,
        communication(
            "Updated X-ray report attached.",
            REQUESTER,
            {
                "contentType": "application/pdf",
                "url": f"{OCEAN}/svc/fhir/v1/ServiceRequest/{REF}/attachment/5a2c/$binary",
                "title": "xray-report-2025-05-29.pdf",
                "size": 48213,
                "creation": "2025-05-29T16:40:00-04:00",
            },
        ),
    )
)
write("send_communication_from_requester.bundle.json", v)

# notify-add-service-request: the sending POS's copy of the referral it sent; the destination
# is the sender's system.
v = message("notify-add-service-request", 4, "Initial", "2025-05-27T11:45:07.001-04:00")
dest = v["entry"][0]["resource"]["destination"][0]
dest["name"] = "Referring EMR"
dest["endpoint"] = "https://emr.example.org/ocean/$process-message"
dest["receiver"] = {"reference": REQUESTER}
write("notify_add_service_request.bundle.json", v)
