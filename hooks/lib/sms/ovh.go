package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ovh/go-ovh/ovh"
)

// OVHEndpoint is the OVHcloud API of Europe, the one of French accounts.
const OVHEndpoint = ovh.OvhEU

// OVH sends through the SMS API of OVHcloud (POST /sms/{service}/jobs),
// with the official client, which signs each request with the application
// key, application secret and consumer key.
type OVH struct {
	CleApplication    string
	SecretApplication string
	CleConsommateur   string
	Service           string // the SMS account, sms-xx12345-1
	Expediteur        string // a sender declared on the account; empty: a short number
	Retours           string // delivery report URL (callBack), empty for none
	Endpoint          string // OVHEndpoint unless tests point elsewhere
	Delai             time.Duration
}

type ovhJob struct {
	Message           string   `json:"message"`
	Receivers         []string `json:"receivers"`
	Sender            string   `json:"sender,omitempty"`
	SenderForResponse bool     `json:"senderForResponse,omitempty"`
	NoStopClause      bool     `json:"noStopClause"`
	Charset           string   `json:"charset"`
	Coding            string   `json:"coding"`
	Priority          string   `json:"priority"`
	CallBack          string   `json:"callBack,omitempty"`
	Tag               string   `json:"tag,omitempty"`
}

type ovhReponse struct {
	IDs              []json.Number `json:"ids"`
	InvalidReceivers []string      `json:"invalidReceivers"`
}

func (o OVH) Envoyer(ctx context.Context, m Message) (string, error) {
	endpoint := o.Endpoint
	if endpoint == "" {
		endpoint = OVHEndpoint
	}
	c, err := ovh.NewClient(strings.TrimSuffix(endpoint, "/"), o.CleApplication, o.SecretApplication, o.CleConsommateur)
	if err != nil {
		return "", &Refus{Detail: "OVHcloud : clés incomplètes"}
	}
	delai := o.Delai
	if delai <= 0 {
		delai = DelaiParDefaut
	}
	c.Timeout = delai
	ctx, cancel := context.WithTimeout(ctx, delai)
	defer cancel()
	job := ovhJob{
		Message: m.Text, Receivers: []string{m.To}, Sender: o.Expediteur, SenderForResponse: o.Expediteur == "",
		// Transactional messages carry no « STOP » clause (it is for
		// marketing, and it would cost characters).
		NoStopClause: true, Charset: "UTF-8", Coding: "7bit", Priority: "high", CallBack: o.Retours, Tag: "atelier",
	}
	if !EstGSM7(m.Text) {
		job.Coding = "8bit" // OVHcloud's name for UCS-2
	}
	var out ovhReponse
	err = c.PostWithContext(ctx, "/sms/"+url.PathEscape(o.Service)+"/jobs", job, &out)
	if err != nil {
		var api *ovh.APIError
		if errors.As(err, &api) {
			return "", fromStatus(api.Code, "OVHcloud "+api.Message)
		}
		return "", &Indisponible{Detail: "OVHcloud : " + reseau(err)}
	}
	if len(out.InvalidReceivers) > 0 || len(out.IDs) == 0 {
		return "", &Refus{Statut: 400, Detail: "OVHcloud : numéro refusé"}
	}
	return out.IDs[0].String(), nil
}

// LireRetourOVH reads a delivery report OVHcloud calls the callBack URL
// with (query string or form): id, dlr (1 delivered, 2 not delivered,
// 4 waiting, 8 handed to the operator, 16 refused by the operator), date,
// description.
func LireRetourOVH(v url.Values) (Retour, error) {
	id := strings.TrimSpace(v.Get("id"))
	if id == "" {
		return Retour{}, ErrRetourIlisible
	}
	dlr, err := strconv.Atoi(v.Get("dlr"))
	if err != nil {
		return Retour{}, ErrRetourIlisible
	}
	r := Retour{ID: id, Detail: court(fmt.Sprintf("dlr %d %s", dlr, v.Get("description")))}
	switch dlr {
	case 1:
		r.Etat = EtatLivre
	case 2, 16:
		r.Etat = EtatNonLivre
	case 4, 8:
		r.Etat = EtatEnCours
	default:
		return Retour{}, ErrRetourIlisible
	}
	if ts, err := strconv.ParseInt(v.Get("date"), 10, 64); err == nil && ts > 0 {
		r.Le = time.Unix(ts, 0).UTC()
	}
	return r, nil
}
