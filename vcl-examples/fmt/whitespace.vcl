sub vcl_recv {
	set req.http.A = "1";   
	if (req.http.B) {	# tabbed
		set req.http.C = "2";
	}
}   



# trailing spaces after this comment   
sub vcl_deliver { set resp.http.X = "1"; set resp.http.Y = "2"; unset resp.http.Z; }


